import { useState } from "preact/hooks";
import { t } from "../i18n/translate";

type CopySource = HTMLInputElement | HTMLTextAreaElement;

/** The clipboard API needs a secure context; plain HTTP on an internal host falls back to selecting the text. */
async function copyText(text: string, fallbackInput: CopySource | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!fallbackInput) return false;
    fallbackInput.select();
    return document.execCommand("copy");
  }
}

export function CopyButton({ text, what, input }: { text: string; what: string; input: () => CopySource | null }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const onClick = async () => setState((await copyText(text, input())) ? "copied" : "failed");
  return (
    <span class="copy">
      <button type="button" class="button button-secondary button-small" onClick={onClick} aria-label={t("copy.label", { what })}>{t("copy.button")}</button>
      <span class="copy-state" role="status">{state === "copied" ? t("copy.done") : state === "failed" ? t("copy.failed") : ""}</span>
    </span>
  );
}
