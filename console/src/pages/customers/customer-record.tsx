import type { ComponentChildren } from "preact";
import type { Customer } from "../../api/types";
import { t } from "../../i18n/translate";
import { formatDate, formatDateTime, formatMoney } from "../../ui/format";

function Row({ term, children }: { term: string; children: ComponentChildren }) {
  return <div><dt>{term}</dt><dd>{children}</dd></div>;
}

/** The record as the CRM holds it; empty fields are left out rather than shown blank. */
export function CustomerRecord({ customer }: { customer: Customer }) {
  const address = customer.postalAddress;
  const preferences = customer.marketingPreferences;
  return (
    <>
      <dl class="record">
        {customer.email && <Row term={t("field.email")}>{customer.email}</Row>}
        {customer.phone && <Row term={t("field.phone")}>{customer.phone}</Row>}
        {address && <Row term={t("field.postalAddress")}>{[address.line1, address.line2, `${address.postalCode} ${address.city}`, address.country].filter(Boolean).join(", ")}</Row>}
        {customer.birthDate && <Row term={t("field.birthDate")}>{formatDate(customer.birthDate)}</Row>}
        {customer.preferredLanguage && <Row term={t("field.preferredLanguage")}>{customer.preferredLanguage}</Row>}
        {customer.preferredBoutique && <Row term={t("field.preferredBoutique")}>{customer.preferredBoutique}</Row>}
        {customer.interests && customer.interests.length > 0 && <Row term={t("field.interests")}>{customer.interests.join(", ")}</Row>}
        {preferences && <Row term={t("field.marketingPreferences")}>{(Object.keys(preferences) as (keyof typeof preferences)[]).filter((key) => preferences[key]).map((key) => t(`marketing.${key}`)).join(", ") || t("ui.none")}</Row>}
      </dl>
      {customer.purchases && customer.purchases.length > 0 && (
        <table class="table compact">
          <caption>{t("field.purchases")}</caption>
          <thead><tr><th scope="col">{t("record.date")}</th><th scope="col">{t("record.product")}</th><th scope="col">{t("record.serial")}</th><th scope="col">{t("record.soldBy")}</th><th scope="col" class="number">{t("record.amount")}</th></tr></thead>
          <tbody>
            {customer.purchases.map((purchase) => (
              <tr key={purchase.id}>
                <td>{formatDate(purchase.date)}</td><td>{purchase.productRef}</td><td class="mono">{purchase.serialNumber ?? "—"}</td><td>{purchase.soldBy}</td>
                <td class="number">{purchase.amount !== undefined ? formatMoney(purchase.amount, purchase.currency) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {customer.warranties && customer.warranties.length > 0 && (
        <table class="table compact">
          <caption>{t("field.warranties")}</caption>
          <thead><tr><th scope="col">{t("record.product")}</th><th scope="col">{t("record.serial")}</th><th scope="col">{t("audit.from")}</th><th scope="col">{t("record.until")}</th><th scope="col">{t("record.extended")}</th></tr></thead>
          <tbody>
            {customer.warranties.map((warranty) => (
              <tr key={warranty.serialNumber + warranty.startsOn}>
                <td>{warranty.productRef}</td><td class="mono">{warranty.serialNumber}</td><td>{formatDate(warranty.startsOn)}</td><td>{formatDate(warranty.endsOn)}</td><td>{warranty.extended ? t("ui.yes") : t("ui.no")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {customer.serviceOrders && customer.serviceOrders.length > 0 && (
        <table class="table compact">
          <caption>{t("field.serviceOrders")}</caption>
          <thead><tr><th scope="col">{t("record.order")}</th><th scope="col">{t("record.product")}</th><th scope="col">{t("customers.status")}</th><th scope="col">{t("record.opened")}</th></tr></thead>
          <tbody>
            {customer.serviceOrders.map((order) => (
              <tr key={order.id}><td class="mono">{order.id}</td><td>{order.productRef}</td><td>{order.status}</td><td>{formatDateTime(order.openedAt)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
