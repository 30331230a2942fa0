import type { Problem } from "../../api/problem";
import { t } from "../../i18n/translate";

/**
 * A C2SP checkpoint note: origin, decimal tree size and base64 root hash lines, a blank line, then one or
 * more signature lines "— <key name> <base64>". The gateway checks the signature; this only catches a
 * paste that cannot be a checkpoint at all, so that the answer can say what is wrong with it.
 */
const CHECKPOINT_NOTE = /^([^\s]+)\n(0|[1-9][0-9]{0,15})\n[A-Za-z0-9+/]{43}=\n\n(?:\u2014 [^\s]+ [A-Za-z0-9+/]+=*\n)+$/;

export interface PastedCheckpoint {
  note: string;
  origin: string;
  treeSize: number;
}

/** Line endings as a text file or a mail client may have changed them, and the final newline a paste often loses. */
function normalised(text: string): string {
  const trimmed = text.replace(/\r\n?/g, "\n").trim();
  return trimmed ? `${trimmed}\n` : "";
}

/** The pasted note ready to send, or what is wrong with it. */
export function readPastedCheckpoint(text: string, logOrigin: string | undefined): PastedCheckpoint | Problem {
  const note = normalised(text);
  if (!note) {
    return { title: t("held.emptyTitle"), detail: t("held.emptyDetail") };
  }
  const match = CHECKPOINT_NOTE.exec(note);
  if (!match) {
    return { title: t("held.notNoteTitle"), detail: t("held.notNoteDetail") };
  }
  const [, origin, size] = match as unknown as [string, string, string];
  if (logOrigin && origin !== logOrigin) {
    return { title: t("held.otherLogTitle"), detail: t("held.otherLogDetail", { origin, logOrigin }) };
  }
  return { note, origin, treeSize: Number(size) };
}

export const isPastedCheckpoint = (value: PastedCheckpoint | Problem): value is PastedCheckpoint => "note" in value;
