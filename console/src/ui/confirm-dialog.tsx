import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { Problem } from "../api/problem";
import { t } from "../i18n/translate";
import { Button } from "./button";
import { ErrorNotice } from "./error-notice";

interface ConfirmDialogProps {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  problem?: Problem | null;
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ComponentChildren;
}

/** A modal `<dialog>`: the browser traps focus inside it and Escape cancels. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="dialog-title" onCancel={(event) => { event.preventDefault(); props.onCancel(); }}>
      <h2 id="dialog-title">{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <ErrorNotice problem={props.problem ?? null} />
      <div class="actions">
        <Button variant="quiet" onClick={props.onCancel}>{t("ui.cancel")}</Button>
        <Button variant={props.danger ? "danger" : "primary"} busy={props.busy} disabled={props.confirmDisabled} onClick={props.onConfirm}>{props.confirmLabel}</Button>
      </div>
    </dialog>
  );
}
