import type { ComponentChildren } from "preact";
import type { Customer } from "../../api/types";
import { formatDate, formatDateTime } from "../../ui/format";

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
        {customer.email && <Row term="Email">{customer.email}</Row>}
        {customer.phone && <Row term="Phone">{customer.phone}</Row>}
        {address && <Row term="Postal address">{[address.line1, address.line2, `${address.postalCode} ${address.city}`, address.country].filter(Boolean).join(", ")}</Row>}
        {customer.birthDate && <Row term="Birth date">{formatDate(customer.birthDate)}</Row>}
        {customer.preferredLanguage && <Row term="Preferred language">{customer.preferredLanguage}</Row>}
        {customer.preferredBoutique && <Row term="Preferred boutique">{customer.preferredBoutique}</Row>}
        {customer.interests && customer.interests.length > 0 && <Row term="Interests">{customer.interests.join(", ")}</Row>}
        {preferences && <Row term="Marketing by">{(Object.keys(preferences) as (keyof typeof preferences)[]).filter((key) => preferences[key]).join(", ") || "None"}</Row>}
      </dl>
      {customer.purchases && customer.purchases.length > 0 && (
        <table class="table compact">
          <caption>Purchases</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">Product</th><th scope="col">Serial</th><th scope="col">Sold by</th><th scope="col" class="number">Amount</th></tr></thead>
          <tbody>
            {customer.purchases.map((purchase) => (
              <tr key={purchase.id}>
                <td>{formatDate(purchase.date)}</td><td>{purchase.productRef}</td><td class="mono">{purchase.serialNumber ?? "—"}</td><td>{purchase.soldBy}</td>
                <td class="number">{purchase.amount !== undefined ? `${purchase.amount.toLocaleString()} ${purchase.currency ?? ""}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {customer.warranties && customer.warranties.length > 0 && (
        <table class="table compact">
          <caption>Warranties</caption>
          <thead><tr><th scope="col">Product</th><th scope="col">Serial</th><th scope="col">From</th><th scope="col">Until</th><th scope="col">Extended</th></tr></thead>
          <tbody>
            {customer.warranties.map((warranty) => (
              <tr key={warranty.serialNumber + warranty.startsOn}>
                <td>{warranty.productRef}</td><td class="mono">{warranty.serialNumber}</td><td>{formatDate(warranty.startsOn)}</td><td>{formatDate(warranty.endsOn)}</td><td>{warranty.extended ? "Yes" : "No"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {customer.serviceOrders && customer.serviceOrders.length > 0 && (
        <table class="table compact">
          <caption>Service orders</caption>
          <thead><tr><th scope="col">Order</th><th scope="col">Product</th><th scope="col">Status</th><th scope="col">Opened</th></tr></thead>
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
