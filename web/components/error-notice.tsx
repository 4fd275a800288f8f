import { CircleAlert, RefreshCw } from 'lucide-react';
import { ApiError } from '../api/index.ts';
import { type Translate, useT } from '../i18n/index.ts';
import { cn } from '../lib/cn.ts';
import { Button } from './ui/button.tsx';

interface ErrorNoticeProps {
  error: unknown;
  onRetry?: () => void;
  className?: string;
}

/** What went wrong, in the user's language, plus the server's own message and request id when it sent them. */
export function describeError(error: unknown, t: Translate): { message: string; detail?: string; requestId?: string } {
  if (!(error instanceof ApiError)) return { message: t('error.network') };
  const requestId = error.requestId;
  switch (error.kind) {
    case 'network':
      return { message: t('error.network') };
    case 'invalid-response':
      return { message: t('error.invalidResponse') };
    case 'http': {
      const message = t('error.http', { status: error.status ?? '?' });
      const detail = error.code ? `${error.code}: ${error.message}` : undefined;
      return { message, ...(detail ? { detail } : {}), ...(requestId ? { requestId } : {}) };
    }
  }
}

export function ErrorNotice({ error, onRetry, className }: ErrorNoticeProps) {
  const t = useT();
  const { message, detail, requestId } = describeError(error, t);
  return (
    <div role="alert" data-testid="error-notice" className={cn('flex items-start gap-3 rounded-lg border border-danger/25 bg-danger/5 p-3 text-sm', className)}>
      <CircleAlert className="mt-0.5 size-4 shrink-0 text-danger" aria-hidden="true" />
      <div className="min-w-0 flex-1 space-y-1">
        <p className="font-medium">{message}</p>
        {detail && <p className="break-words text-muted-foreground">{detail}</p>}
        {requestId && <p className="font-mono text-muted-foreground text-xs">{t('error.requestId', { id: requestId })}</p>}
      </div>
      {onRetry && (
        <Button variant="outline" size="sm" onClick={onRetry}>
          <RefreshCw />
          {t('error.retry')}
        </Button>
      )}
    </div>
  );
}

/** The server's own explanation (`error` of a 4xx body, e.g. a refused role change) or, failing that, what went wrong in the user's language. */
export function errorMessage(error: unknown, t: Translate): string {
  if (error instanceof ApiError && error.kind === 'http' && error.status !== undefined && error.status < 500 && error.code && error.message)
    return error.message;
  return describeError(error, t).message;
}

/** A one-line error under a form: `errorMessage()` with role=alert. */
export function FormError({ error, message, className }: { error?: unknown; message?: string; className?: string }) {
  const t = useT();
  if (!message && !error) return null;
  return (
    <p
      role="alert"
      data-testid="form-error"
      className={cn('flex items-start gap-2 rounded-md border border-danger/25 bg-danger/5 px-3 py-2 text-sm', className)}
    >
      <CircleAlert className="mt-0.5 size-4 shrink-0 text-danger" aria-hidden="true" />
      <span className="min-w-0 break-words">{message ?? errorMessage(error, t)}</span>
    </p>
  );
}
