import { EntitySchema } from "typeorm";
import { column } from "../db/columns";
import type { CustomerField } from "../customers/customer-fields";

export interface Purpose {
  id: string;
  description: string;
  fields: CustomerField[];
}

export const PurposeEntity = new EntitySchema<Purpose>({
  name: "Purpose",
  tableName: "purposes",
  columns: {
    id: { ...column.str("id", 64), primary: true },
    description: column.str("description", 255),
    fields: column.json("fields"),
  },
});
