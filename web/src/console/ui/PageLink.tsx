/** Links between console pages: followed without reloading on a plain left click; modified clicks open tabs as usual. */
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';
import { useSession } from './session';

/** Client-side navigation for plain left clicks; let modified clicks open tabs. */
function follow(event: MouseEvent<HTMLAnchorElement>, to: string, navigate: (to: string) => void) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(to);
}

/** A link to another console page (signed in). */
export function PageLink({ to, children, ...attributes }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href' | 'onClick'>) {
  const { navigate } = useSession();
  return (
    <a href={to} {...attributes} onClick={(e) => follow(e, to, navigate)}>
      {children}
    </a>
  );
}
