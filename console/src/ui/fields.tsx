import type { ComponentChildren, Ref } from "preact";
import { useId } from "preact/hooks";
import { t } from "../i18n/translate";

interface BaseProps {
  label: string;
  hint?: string;
  required?: boolean;
  /** Marks the label "(optional)" in a form where most fields are required. */
  optional?: boolean;
  /** What is wrong with the value, in words; marks the field invalid and is read out with it. */
  error?: string | null;
}

function FieldLabel({ id, label, optional }: { id: string; label: string; optional?: boolean }) {
  return <label for={id}>{label}{optional && <span class="optional"> {t("ui.optional")}</span>}</label>;
}

function Hint({ id, text }: { id: string; text?: string }) {
  return text ? <p id={id} class="hint">{text}</p> : null;
}

function FieldError({ id, text }: { id: string; text?: string | null }) {
  return text ? <p id={id} class="field-error">{text}</p> : null;
}

/** The ids of the error and the hint, error first, so a screen reader says what is wrong before how to fill it. */
function describedBy(id: string, props: BaseProps): string | undefined {
  const ids = [props.error ? `${id}-error` : null, props.hint ? `${id}-hint` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(" ") : undefined;
}

interface TextFieldProps extends BaseProps {
  value: string;
  onInput: (value: string) => void;
  onBlur?: () => void;
  type?: "text" | "email" | "password" | "datetime-local" | "date" | "tel" | "search";
  placeholder?: string;
  autocomplete?: string;
  pattern?: string;
  maxLength?: number;
  list?: string;
  mono?: boolean;
  name?: string;
}

export function TextField(props: TextFieldProps) {
  const id = useId();
  // The cast: Preact types each input type's attributes apart, and this one component serves several.
  return (
    <div class={props.error ? "field field-invalid" : "field"}>
      <FieldLabel id={id} label={props.label} optional={props.optional} />
      <input
        id={id} name={props.name} type={(props.type ?? "text") as "text"} value={props.value} required={props.required} placeholder={props.placeholder}
        autocomplete={props.autocomplete ?? "off"} pattern={props.pattern} maxLength={props.maxLength} list={props.list}
        class={props.mono ? "mono" : undefined} aria-invalid={props.error ? "true" : undefined} aria-describedby={describedBy(id, props)}
        onInput={(event) => props.onInput((event.currentTarget as HTMLInputElement).value)} onBlur={props.onBlur}
      />
      <FieldError id={`${id}-error`} text={props.error} />
      <Hint id={`${id}-hint`} text={props.hint} />
    </div>
  );
}

interface TextAreaFieldProps extends BaseProps {
  value: string;
  onInput?: (value: string) => void;
  rows?: number;
  readOnly?: boolean;
  invalid?: boolean;
  mono?: boolean;
  name?: string;
  textarea?: Ref<HTMLTextAreaElement>;
}

/** Several lines of text, such as a signed note; `invalid` ties the field to the error shown for it. */
export function TextAreaField(props: TextAreaFieldProps) {
  const id = useId();
  return (
    <div class={props.error ? "field field-invalid" : "field"}>
      <FieldLabel id={id} label={props.label} optional={props.optional} />
      <textarea
        id={id} ref={props.textarea} name={props.name} value={props.value} rows={props.rows ?? 5} required={props.required} readOnly={props.readOnly}
        spellcheck={false} autocomplete="off" class={props.mono ? "mono" : undefined} aria-invalid={props.invalid || props.error ? "true" : undefined}
        aria-describedby={describedBy(id, props)}
        onInput={(event) => props.onInput?.((event.currentTarget as HTMLTextAreaElement).value)}
      />
      <FieldError id={`${id}-error`} text={props.error} />
      <Hint id={`${id}-hint`} text={props.hint} />
    </div>
  );
}

interface SelectFieldProps extends BaseProps {
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  name?: string;
}

export function SelectField(props: SelectFieldProps) {
  const id = useId();
  return (
    <div class={props.error ? "field field-invalid" : "field"}>
      <FieldLabel id={id} label={props.label} optional={props.optional} />
      <select id={id} name={props.name} value={props.value} required={props.required} aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(id, props)} onChange={(event) => props.onChange((event.currentTarget as HTMLSelectElement).value)}>
        {props.options.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
      </select>
      <FieldError id={`${id}-error`} text={props.error} />
      <Hint id={`${id}-hint`} text={props.hint} />
    </div>
  );
}

interface CheckboxGroupProps extends BaseProps {
  options: { value: string; label: string; disabled?: boolean; note?: string }[];
  selected: string[];
  onChange: (selected: string[]) => void;
}

/** A fieldset of checkboxes; the legend labels the group, each box its own label. */
export function CheckboxGroup(props: CheckboxGroupProps) {
  const id = useId();
  const toggle = (value: string, on: boolean) =>
    props.onChange(on ? [...props.selected, value] : props.selected.filter((item) => item !== value));
  return (
    <fieldset class={props.error ? "field checkbox-group field-invalid" : "field checkbox-group"} aria-describedby={describedBy(id, props)}
      aria-invalid={props.error ? "true" : undefined}>
      <legend>{props.label}</legend>
      <div class="checkboxes">
        {props.options.map((option) => (
          <label key={option.value} class={option.disabled ? "checkbox checkbox-disabled" : "checkbox"}>
            <input type="checkbox" value={option.value} checked={props.selected.includes(option.value)} disabled={option.disabled}
              onChange={(event) => toggle(option.value, (event.currentTarget as HTMLInputElement).checked)} />
            {option.label}
            {option.note && <span class="checkbox-note"> ({option.note})</span>}
          </label>
        ))}
      </div>
      <FieldError id={`${id}-error`} text={props.error} />
      <Hint id={`${id}-hint`} text={props.hint} />
    </fieldset>
  );
}

export function FormRow({ children }: { children: ComponentChildren }) {
  return <div class="form-row">{children}</div>;
}
