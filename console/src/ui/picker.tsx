import { useEffect, useId, useRef, useState } from "preact/hooks";
import { t } from "../i18n/translate";

export interface Choice {
  id: string;
  label: string;
  /** A second, quieter line: a country, a reference. */
  note?: string;
}

interface PickerProps {
  label: string;
  hint?: string;
  error?: string | null;
  name?: string;
  required?: boolean;
  optional?: boolean;
  /** The current choice, or null; an id that arrived in the address without a name shows as the id. */
  value: Choice | null;
  onChange: (choice: Choice | null) => void;
  search: (text: string) => Promise<Choice[]>;
}

const PAUSE_MS = 250;

/**
 * Search as you type (WAI-ARIA combobox with a listbox popup): the user types a name, a reference or an
 * e-mail, and picks one of the suggestions with the mouse or the arrow keys and Enter. The id is never typed.
 */
export function Picker(props: PickerProps) {
  const id = useId();
  const [text, setText] = useState(props.value?.label ?? "");
  const [options, setOptions] = useState<Choice[] | null>(null);
  const [active, setActive] = useState(0);
  const latest = useRef(0);
  useEffect(() => setText(props.value?.label ?? ""), [props.value?.id, props.value?.label]);
  useEffect(() => {
    const wanted = text.trim();
    if (!wanted || wanted === props.value?.label) return setOptions(null);
    const ticket = ++latest.current;
    const timer = setTimeout(() => {
      props.search(wanted).then((found) => {
        if (ticket !== latest.current) return;
        setOptions(found);
        setActive(0);
      }, () => ticket === latest.current && setOptions([]));
    }, PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const choose = (choice: Choice) => {
    setOptions(null);
    setText(choice.label);
    props.onChange(choice);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (!options || options.length === 0) return;
    if (event.key === "ArrowDown") setActive((active + 1) % options.length);
    else if (event.key === "ArrowUp") setActive((active - 1 + options.length) % options.length);
    else if (event.key === "Enter") choose(options[active]!);
    else if (event.key === "Escape") setOptions(null);
    else return;
    event.preventDefault();
  };
  const open = options !== null;
  const describedBy = [props.error ? `${id}-error` : null, props.hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div class={props.error ? "field picker field-invalid" : "field picker"}>
      <label for={id}>{props.label}{props.optional && <span class="optional"> {t("ui.optional")}</span>}</label>
      <input id={id} name={props.name} type="text" role="combobox" autocomplete="off" value={text} required={props.required}
        aria-expanded={open} aria-controls={`${id}-list`} aria-autocomplete="list"
        aria-activedescendant={open && options.length > 0 ? `${id}-option-${active}` : undefined}
        aria-invalid={props.error ? "true" : undefined} aria-describedby={describedBy}
        onInput={(event) => {
          const next = (event.currentTarget as HTMLInputElement).value;
          setText(next);
          if (props.value) props.onChange(null);
        }}
        onKeyDown={onKeyDown} onBlur={() => setTimeout(() => setOptions(null), 200)} />
      {open && (
        <ul id={`${id}-list`} role="listbox" class="picker-options" aria-label={props.label}>
          {options.length === 0 && <li class="picker-option muted" role="option" aria-disabled="true" aria-selected="false">{t("picker.noMatch")}</li>}
          {options.map((option, index) => (
            <li key={option.id} id={`${id}-option-${index}`} role="option" aria-selected={index === active} class="picker-option"
              onMouseDown={(event) => { event.preventDefault(); choose(option); }}>
              <span>{option.label}</span>{option.note && <span class="muted">{option.note}</span>}
            </li>
          ))}
        </ul>
      )}
      {props.error && <p id={`${id}-error`} class="field-error">{props.error}</p>}
      {props.hint && <p id={`${id}-hint`} class="hint">{props.hint}</p>}
    </div>
  );
}
