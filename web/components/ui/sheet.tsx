import { X } from 'lucide-react';
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { cn } from '../../lib/cn.ts';

interface SheetProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  closeLabel: string;
  className?: string;
  'data-testid'?: string;
}

/**
 * A drawer from the right on the native <dialog> element (focus trap, Escape and inert background
 * like `Dialog`). Use native <select> inside: Radix menus portal outside the top layer.
 */
export function Sheet({ open, onClose, title, description, children, footer, closeLabel, className, ...props }: SheetProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the click only catches the backdrop; the keyboard closes with Escape (onCancel)
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={props['data-testid']}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      className={cn(
        'fixed inset-y-0 right-0 left-auto m-0 h-svh max-h-svh w-full max-w-xl border-l bg-card p-0 text-card-foreground shadow-2xl backdrop:bg-black/40 backdrop:backdrop-blur-[1px]',
        className,
      )}
    >
      {open && (
        <div className="flex h-full flex-col">
          <div className="flex items-start justify-between gap-4 border-b px-6 py-4">
            <div className="min-w-0 space-y-1.5">
              <h2 id={titleId} className="font-semibold text-lg leading-snug tracking-tight">
                {title}
              </h2>
              {description && <div className="text-muted-foreground text-sm">{description}</div>}
            </div>
            <button
              type="button"
              onClick={onClose}
              aria-label={closeLabel}
              data-testid="sheet-close"
              className="-mr-2 rounded-md p-1.5 text-muted-foreground hover:bg-accent hover:text-accent-foreground focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
            >
              <X className="size-4" />
            </button>
          </div>
          <div className="flex-1 overflow-y-auto px-6 py-5">{children}</div>
          {footer && <div className="flex flex-wrap justify-end gap-2 border-t px-6 py-3">{footer}</div>}
        </div>
      )}
    </dialog>
  );
}
