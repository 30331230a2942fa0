import type { Customer } from "../../api/types";
import { t } from "../../i18n/translate";
import { CheckboxGroup, FormRow, TextField } from "../../ui/fields";
import {
  countryError, dateError, emailError, languageError, normalisePhone, phoneError, requiredText, type FieldErrors,
} from "../../ui/validation";

/** Every field of a customer a person edits in the console; purchases, warranties and service orders come from the CRM and the points of sale. */
export const EMPTY_CUSTOMER = {
  externalRef: "", salutation: "", given: "", family: "", email: "", phone: "", birthDate: "", line1: "", line2: "", postalCode: "", city: "",
  country: "", preferredLanguage: "", preferredBoutique: "", interests: "", marketing: [] as string[],
};
export type CustomerDraft = typeof EMPTY_CUSTOMER;
export type CustomerField = Exclude<keyof CustomerDraft, "marketing">;
const CHANNELS = ["email", "phone", "post", "sms"] as const;

/** The gateway's paths of the record, mapped to the form's fields, so its errors land on the right field. */
export const CUSTOMER_API_PATHS: Record<string, CustomerField> = {
  externalRef: "externalRef", "name.given": "given", "name.family": "family", "name.salutation": "salutation", email: "email", phone: "phone",
  birthDate: "birthDate", "postalAddress.line1": "line1", "postalAddress.line2": "line2", "postalAddress.postalCode": "postalCode",
  "postalAddress.city": "city", "postalAddress.country": "country", preferredLanguage: "preferredLanguage", preferredBoutique: "preferredBoutique",
};

export function draftOfCustomer(customer: Customer): CustomerDraft {
  const address = customer.postalAddress;
  return {
    externalRef: customer.externalRef ?? "", salutation: customer.name?.salutation ?? "", given: customer.name?.given ?? "", family: customer.name?.family ?? "",
    email: customer.email ?? "", phone: customer.phone ?? "", birthDate: customer.birthDate ?? "", line1: address?.line1 ?? "", line2: address?.line2 ?? "",
    postalCode: address?.postalCode ?? "", city: address?.city ?? "", country: address?.country ?? "", preferredLanguage: customer.preferredLanguage ?? "",
    preferredBoutique: customer.preferredBoutique ?? "", interests: (customer.interests ?? []).join(", "),
    marketing: CHANNELS.filter((channel) => customer.marketingPreferences?.[channel]),
  };
}

const hasAddress = (draft: CustomerDraft) => [draft.line1, draft.line2, draft.postalCode, draft.city, draft.country].some((value) => value.trim() !== "");

/** What is wrong, field by field, before anything is sent; an address is all or nothing. */
export function checkCustomer(draft: CustomerDraft): FieldErrors<CustomerField> {
  const address = hasAddress(draft);
  return {
    externalRef: requiredText(draft.externalRef, t("customer.externalRef")),
    given: requiredText(draft.given, t("customer.given")),
    family: requiredText(draft.family, t("customer.family")),
    email: emailError(draft.email),
    phone: phoneError(draft.phone, draft.country),
    birthDate: dateError(draft.birthDate),
    line1: address ? requiredText(draft.line1, t("customer.line1")) : undefined,
    postalCode: address ? requiredText(draft.postalCode, t("customer.postalCode")) : undefined,
    city: address ? requiredText(draft.city, t("customer.city")) : undefined,
    country: address ? requiredText(draft.country, t("customer.country")) ?? countryError(draft.country) : countryError(draft.country),
    preferredLanguage: languageError(draft.preferredLanguage),
  };
}

/**
 * The record to send. `cleared` gives what an emptied optional field becomes: left out when creating,
 * null when editing (the gateway then removes it). The phone goes out in E.164, national numbers read
 * with the address's country.
 */
export function recordOfDraft(draft: CustomerDraft, cleared: undefined | null): Record<string, unknown> {
  const text = (value: string) => (value.trim() === "" ? cleared : value.trim());
  const interests = draft.interests.split(",").map((item) => item.trim()).filter(Boolean);
  return {
    externalRef: draft.externalRef.trim(),
    name: { given: draft.given.trim(), family: draft.family.trim(), ...(draft.salutation.trim() ? { salutation: draft.salutation.trim() } : {}) },
    email: text(draft.email),
    phone: draft.phone.trim() ? normalisePhone(draft.phone, draft.country) : cleared,
    birthDate: text(draft.birthDate),
    postalAddress: hasAddress(draft) ? {
      line1: draft.line1.trim(), ...(draft.line2.trim() ? { line2: draft.line2.trim() } : {}), postalCode: draft.postalCode.trim(), city: draft.city.trim(),
      country: draft.country.trim().toUpperCase(),
    } : cleared,
    preferredLanguage: text(draft.preferredLanguage),
    preferredBoutique: text(draft.preferredBoutique),
    interests: interests.length > 0 ? interests : cleared,
    marketingPreferences: draft.marketing.length === 0 && cleared === undefined ? undefined
      : Object.fromEntries(CHANNELS.map((channel) => [channel, draft.marketing.includes(channel)])),
  };
}

interface CustomerFieldsetProps {
  draft: CustomerDraft;
  set: <K extends keyof CustomerDraft>(key: K) => (value: CustomerDraft[K]) => void;
  errors: FieldErrors<CustomerField>;
}

export function CustomerFieldset({ draft, set, errors }: CustomerFieldsetProps) {
  const text = (key: CustomerField, labelKey: Parameters<typeof t>[0], extra: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField label={t(labelKey)} value={draft[key]} onInput={set(key)} name={`customer-${key}`} error={errors[key]} {...extra} />
  );
  return (
    <>
      <FormRow>
        {text("externalRef", "customer.externalRef", { required: true, hint: t("customer.externalRefHint"), maxLength: 128 })}
        {text("salutation", "customer.salutation", { optional: true, maxLength: 40 })}
      </FormRow>
      <FormRow>
        {text("given", "customer.given", { required: true, maxLength: 200 })}
        {text("family", "customer.family", { required: true, maxLength: 200 })}
      </FormRow>
      <FormRow>
        {text("email", "customer.email", { type: "email", optional: true, maxLength: 254 })}
        {text("phone", "customer.phone", { type: "tel", optional: true, hint: t("customer.phoneHint"), maxLength: 32 })}
        {text("birthDate", "customer.birthDate", { type: "date", optional: true })}
      </FormRow>
      <FormRow>
        {text("line1", "customer.line1", { optional: true, maxLength: 200 })}
        {text("line2", "customer.line2", { optional: true, maxLength: 200 })}
      </FormRow>
      <FormRow>
        {text("postalCode", "customer.postalCode", { optional: true, maxLength: 20 })}
        {text("city", "customer.city", { optional: true, maxLength: 100 })}
        {text("country", "customer.country", { optional: true, maxLength: 2, placeholder: "FR" })}
      </FormRow>
      <FormRow>
        {text("preferredLanguage", "customer.language", { optional: true, hint: t("customer.languageHint") })}
        {text("preferredBoutique", "customer.boutique", { optional: true, maxLength: 200 })}
        {text("interests", "customer.interests", { optional: true, hint: t("customer.interestsHint") })}
      </FormRow>
      <CheckboxGroup label={t("customer.marketing")} selected={draft.marketing} onChange={set("marketing")}
        options={CHANNELS.map((channel) => ({ value: channel, label: t(`marketing.${channel}`) }))} />
    </>
  );
}
