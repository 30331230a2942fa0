import { useEffect } from "preact/hooks";
import { lookUpAdminUsers, lookUpCustomers, lookUpDealers, type LookupRequest } from "../api/lookup";
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

type Find = (request: LookupRequest) => Promise<Choice[]>;

const findDealers: Find = async (request) =>
  (await lookUpDealers(request)).items.map((dealer) => ({ id: dealer.id, label: dealer.name, note: dealer.country }));
const findCustomers: Find = async (request) =>
  (await lookUpCustomers(request)).items.map((customer) => ({ id: customer.id, label: `${customer.name} (${customer.externalRef})`, note: customer.externalRef }));
const findAdminUsers: Find = async (request) =>
  (await lookUpAdminUsers(request)).items.map((user) => ({ id: user.id, label: user.username }));

/** A picker over one look-up; an id that arrived without its name (from an address) is given its name once the look-up answers. */
function EntityPicker(props: EntityPickerProps & { label: string; hint: string; find: Find }) {
  const { value, onChange, find } = props;
  useEffect(() => {
    if (!value || value.label !== value.id) return;
    find({ ids: [value.id] }).then(([named]) => named && onChange({ ...named }), () => undefined);
  }, [value?.id]);
  const remembering = (choice: Choice | null) => {
    if (choice) rememberName(choice.id, choice.label);
    onChange(choice);
  };
  return <Picker {...props} onChange={remembering} search={(q) => find({ q })} />;
}

export function DealerPicker(props: EntityPickerProps) {
  return <EntityPicker {...props} label={props.label ?? t("picker.dealer")} hint={t("picker.dealerHint")} find={findDealers} />;
}

export function CustomerPicker(props: EntityPickerProps) {
  return <EntityPicker {...props} label={props.label ?? t("picker.customer")} hint={t("picker.customerHint")} find={findCustomers} />;
}

export function AdminUserPicker(props: EntityPickerProps) {
  return <EntityPicker {...props} label={props.label ?? t("picker.actor")} hint={t("picker.actorHint")} find={findAdminUsers} />;
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
