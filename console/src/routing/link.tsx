import type { ComponentChildren } from "preact";
import { BASE, navigate } from "./router";

interface LinkProps {
  href: string;
  class?: string;
  current?: boolean;
  children: ComponentChildren;
}

/** An ordinary link (open in a new tab works) that changes page without reloading. */
export function Link({ href, class: className, current, children }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={BASE + href} class={className} aria-current={current ? "page" : undefined} onClick={onClick}>{children}</a>;
}
