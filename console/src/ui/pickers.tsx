import { lookUpAdminUsers, lookUpCustomers, lookUpDealers } from "../api/lookup";
import { t } from "../i18n/translate";
import { Picker, type Choice } from "./picker";

interface EntityPickerProps {
  value: Choice | null;
  onChange: (choice: Choice | null) => void;
  error?: string | null;
  name?: string;
  required?: boolean;
  optional?: boolean;
  label?: string;
}

export const searchDealers = async (q: string): Promise<Choice[]> =>
  (await lookUpDealers(q)).items.map((dealer) => ({ id: dealer.id, label: dealer.name, note: dealer.country }));
export const searchCustomers = async (q: string): Promise<Choice[]> =>
  (await lookUpCustomers(q)).items.map((customer) => ({ id: customer.id, label: `${customer.name} (${customer.externalRef})`, note: customer.externalRef }));
export const searchAdminUsers = async (q: string): Promise<Choice[]> =>
  (await lookUpAdminUsers(q)).items.map((user) => ({ id: user.id, label: user.username }));

const remembering = (onChange: (choice: Choice | null) => void) => (choice: Choice | null) => {
  if (choice) rememberName(choice.id, choice.label);
  onChange(choice);
};

export function DealerPicker(props: EntityPickerProps) {
  return <Picker {...props} onChange={remembering(props.onChange)} label={props.label ?? t("picker.dealer")} hint={t("picker.dealerHint")} search={searchDealers} />;
}

export function CustomerPicker(props: EntityPickerProps) {
  return <Picker {...props} onChange={remembering(props.onChange)} label={props.label ?? t("picker.customer")} hint={t("picker.customerHint")} search={searchCustomers} />;
}

export function AdminUserPicker(props: EntityPickerProps) {
  return <Picker {...props} onChange={remembering(props.onChange)} label={props.label ?? t("picker.actor")} hint={t("picker.actorHint")} search={searchAdminUsers} />;
}

/**
 * Names of what was picked in this tab, by id: the address carries only the id (pseudonymous, never a
 * name), and a page opened from it shows the name again when this tab picked it or read it.
 */
const knownNames = new Map<string, string>();

export function rememberName(id: string | null | undefined, name: string | null | undefined): void {
  if (id && name) knownNames.set(id, name);
}

/** An id that came in the address, with its name when known; else the id itself, until the user picks by name. */
export const choiceOfId = (id: string | null | undefined): Choice | null => (id ? { id, label: knownNames.get(id) ?? id } : null);
