import type { ComponentChildren } from "preact";

interface ButtonProps {
  children: ComponentChildren;
  variant?: "primary" | "secondary" | "danger" | "quiet";
  type?: "button" | "submit";
  busy?: boolean;
  disabled?: boolean;
  onClick?: () => void;
  label?: string;
  small?: boolean;
}

/** A button that says when it is working and cannot be pressed twice meanwhile. */
export function Button({ children, variant = "secondary", type = "button", busy, disabled, onClick, label, small }: ButtonProps) {
  return (
    <button type={type} class={`button button-${variant}${small ? " button-small" : ""}`} disabled={disabled || busy} aria-busy={busy ? "true" : undefined}
      aria-label={label} onClick={onClick}>
      {children}
    </button>
  );
}
