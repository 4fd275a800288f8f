import type { ReactNode } from 'react';
import { useT } from '../i18n/index.ts';
import { FormError } from './error-notice.tsx';
import { Button } from './ui/button.tsx';
import { Dialog } from './ui/dialog.tsx';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  error?: unknown;
  destructive?: boolean;
  testId?: string;
}

/** "Are you sure?" with the action's own name on the button, and the server's refusal if it came. */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  onConfirm,
  onClose,
  pending = false,
  error,
  destructive = false,
  testId,
}: ConfirmDialogProps) {
  const t = useT();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      description={description}
      dismissible={!pending}
      closeLabel={t('common.close')}
      data-testid={testId}
      footer={
        <>
          <Button variant="outline" onClick={onClose} disabled={pending}>
            {t('common.cancel')}
          </Button>
          <Button
            onClick={onConfirm}
            disabled={pending}
            data-testid={testId ? `${testId}-confirm` : undefined}
            className={destructive ? 'bg-danger text-white hover:bg-danger/90' : undefined}
          >
            {pending ? t('common.working') : confirmLabel}
          </Button>
        </>
      }
    >
      {error ? <FormError error={error} /> : null}
    </Dialog>
  );
}
