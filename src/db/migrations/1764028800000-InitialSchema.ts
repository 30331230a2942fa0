import { TableIndex, TableForeignKey, type MigrationInterface, type QueryRunner, type TableColumnOptions } from "typeorm";
import { isMysql } from "../dialect";
import { EXACT_COLLATION } from "../columns";
import { createTableIfMissing, dropAppendOnly, insertMissing, makeAppendOnly } from "./guarded-ddl";

const id = (name = "id"): TableColumnOptions => ({ name, type: "varchar", length: "36", isPrimary: true });
const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: "36", isNullable: nullable });
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: "text", isNullable: nullable });
/** Timestamps are fixed-width UTC ISO-8601 strings: they sort and compare identically on both engines. */
const at = (name: string, nullable = false): TableColumnOptions => str(name, 24, nullable);

function sequence(queryRunner: QueryRunner): TableColumnOptions {
  return { name: "seq", type: isMysql(queryRunner) ? "bigint" : "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" };
}

/** The four purposes of the brand's privacy policy and their default field sets (contract section 3). */
const PURPOSE_SEED = [
  { id: "service_delivery", description: "Providing the services the customer asked for (repairs, orders, after-sales)",
    fields: ["name", "email", "phone", "preferredLanguage", "serviceOrders", "warranties"] },
  { id: "in_store_experience", description: "Improving the customer's experience in store",
    fields: ["name", "preferredLanguage", "interests", "purchases"] },
  { id: "record_accuracy", description: "Keeping records accurate: purchases, warranty extensions, other transactions, marketing preferences",
    fields: ["name", "email", "phone", "postalAddress", "birthDate", "purchases", "warranties", "marketingPreferences"] },
  { id: "relationship_management", description: "Managing customer and seller relationships",
    fields: ["name", "preferredLanguage", "preferredBoutique", "interests"] },
];

/** In creation order; dropped in reverse. */
const TABLES = [
  "admin_users", "purposes", "dealers", "dealer_credentials", "dealer_grants", "customers", "consents",
  "consent_purposes", "consent_history", "dealer_events", "dealer_event_acks", "audit_events",
];

function fk(column: string, table: string, referenced = "id"): TableForeignKey {
  return new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: [referenced], onDelete: "RESTRICT", onUpdate: "NO ACTION" });
}

export class InitialSchema1764028800000 implements MigrationInterface {
  name = "InitialSchema1764028800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTableIfMissing(queryRunner, {
      name: "admin_users",
      columns: [id(), str("username", 64), str("password_hash", 255), str("roles", 255), at("created_at"), at("updated_at")],
      indices: [new TableIndex({ name: "uq_admin_users_username", columnNames: ["username"], isUnique: true })],
    });

    await createTableIfMissing(queryRunner, {
      name: "purposes",
      columns: [{ ...str("id", 64), isPrimary: true }, str("description", 255), text("fields")],
    });
    await insertMissing(queryRunner, "purposes", "id",
      PURPOSE_SEED.map((purpose) => ({ id: purpose.id, description: purpose.description, fields: JSON.stringify(purpose.fields) })));

    await createTableIfMissing(queryRunner, {
      name: "dealers",
      columns: [id(), str("name", 200), str("country", 2), str("transfer_safeguard", 16, true), str("status", 16), at("created_at"), at("updated_at")],
    });

    await createTableIfMissing(queryRunner, {
      name: "dealer_credentials",
      columns: [
        { ...str("client_id", 64), isPrimary: true }, ref("dealer_id"), str("secret_hash", 255),
        at("created_at"), ref("created_by"), at("revoked_at", true), ref("revoked_by", true),
      ],
      indices: [new TableIndex({ name: "ix_dealer_credentials_dealer", columnNames: ["dealer_id"] })],
      foreignKeys: [fk("dealer_id", "dealers")],
    });

    await createTableIfMissing(queryRunner, {
      name: "dealer_grants",
      columns: [
        id(), ref("dealer_id"), str("purpose_id", 64), text("fields", true), at("expires_at", true),
        at("granted_at"), ref("granted_by"), at("revoked_at", true), ref("revoked_by", true),
      ],
      indices: [new TableIndex({ name: "ix_dealer_grants_dealer_purpose", columnNames: ["dealer_id", "purpose_id"] })],
      foreignKeys: [fk("dealer_id", "dealers"), fk("purpose_id", "purposes")],
    });

    await createTableIfMissing(queryRunner, {
      name: "customers",
      columns: [
        // The CRM's references are case-sensitive identifiers, as they are on SQLite.
        id(), { ...str("external_ref", 128, true), collation: EXACT_COLLATION }, str("status", 16), text("profile", true),
        str("email_normalized", 254, true), str("phone", 20, true), at("last_activity_at", true),
        at("created_at"), at("updated_at"), at("restricted_at", true), at("erased_at", true),
      ],
      indices: [
        new TableIndex({ name: "uq_customers_external_ref", columnNames: ["external_ref"], isUnique: true }),
        new TableIndex({ name: "ix_customers_email", columnNames: ["email_normalized"] }),
        new TableIndex({ name: "ix_customers_phone", columnNames: ["phone"] }),
      ],
    });

    await createTableIfMissing(queryRunner, {
      name: "consents",
      columns: [
        id(), ref("customer_id"), ref("dealer_id"), str("channel", 16), str("evidence_ref", 255), str("policy_version", 64),
        at("expires_at", true), at("created_at"), ref("created_by"),
      ],
      indices: [new TableIndex({ name: "ix_consents_customer", columnNames: ["customer_id"] })],
      foreignKeys: [fk("customer_id", "customers"), fk("dealer_id", "dealers")],
    });

    await createTableIfMissing(queryRunner, {
      name: "consent_purposes",
      columns: [
        { ...ref("consent_id"), isPrimary: true }, { ...str("purpose_id", 64), isPrimary: true },
        ref("customer_id"), ref("dealer_id"), at("expires_at", true), at("withdrawn_at", true),
      ],
      indices: [
        new TableIndex({ name: "ix_consent_purposes_customer", columnNames: ["customer_id", "dealer_id", "purpose_id"] }),
        new TableIndex({ name: "ix_consent_purposes_dealer", columnNames: ["dealer_id", "purpose_id", "customer_id"] }),
      ],
      foreignKeys: [fk("consent_id", "consents"), fk("purpose_id", "purposes")],
    });

    await createTableIfMissing(queryRunner, {
      name: "consent_history",
      columns: [
        sequence(queryRunner), ref("consent_id"), str("action", 32), text("purposes"), str("actor_type", 16), str("actor_id", 64),
        str("reason", 500, true), at("at"),
      ],
      indices: [new TableIndex({ name: "ix_consent_history_consent", columnNames: ["consent_id"] })],
      foreignKeys: [fk("consent_id", "consents")],
    });

    await createTableIfMissing(queryRunner, {
      name: "dealer_events",
      columns: [sequence(queryRunner), ref("dealer_id"), str("type", 32), ref("customer_id", true), str("purpose", 64, true), at("at")],
      indices: [new TableIndex({ name: "ix_dealer_events_dealer", columnNames: ["dealer_id", "seq"] })],
    });

    await createTableIfMissing(queryRunner, {
      name: "dealer_event_acks",
      columns: [{ ...ref("dealer_id"), isPrimary: true }, { name: "up_to_seq", type: "bigint" }, at("acked_at")],
    });

    await createTableIfMissing(queryRunner, {
      name: "audit_events",
      columns: [
        sequence(queryRunner), str("id", 36), at("at"), str("actor_type", 16), str("actor_id", 64), str("action", 64),
        ref("dealer_id", true), ref("customer_id", true), str("purpose", 64, true), str("decision", 8), str("reason", 64, true),
        ref("consent_id", true), ref("grant_id", true), text("fields", true), { name: "status", type: "int" },
        str("request_id", 64), str("ip", 64), text("detail", true),
      ],
      indices: [
        new TableIndex({ name: "uq_audit_events_id", columnNames: ["id"], isUnique: true }),
        new TableIndex({ name: "ix_audit_events_customer", columnNames: ["customer_id", "seq"] }),
        new TableIndex({ name: "ix_audit_events_dealer", columnNames: ["dealer_id", "seq"] }),
        new TableIndex({ name: "ix_audit_events_actor", columnNames: ["actor_id", "seq"] }),
        new TableIndex({ name: "ix_audit_events_at", columnNames: ["at"] }),
      ],
    });
    await makeAppendOnly(queryRunner, "audit_events");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropAppendOnly(queryRunner, "audit_events");
    for (const table of [...TABLES].reverse()) await queryRunner.dropTable(table);
  }
}
