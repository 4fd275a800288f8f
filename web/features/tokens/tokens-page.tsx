import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Ban, Plus, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import type { ApiToken } from '../../../src/contracts/identity.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { CopyField } from '../../components/copy-button.tsx';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDate, formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { useCan } from '../auth/session.tsx';
import { SettingsSection } from '../settings/settings-section.tsx';
import { CreateTokenDialog } from './create-token-dialog.tsx';
import { agentName, revokeToken, tokenStatus, tokensQuery } from './tokens-api.ts';

const statusBadge = { active: 'success', revoked: 'secondary', expired: 'warning' } as const;

export function TokensPage() {
  const t = useT();
  const canManage = useCan('tokens.manage');
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ value: string; name: string } | null>(null);
  return (
    <SettingsSection
      pageId="tokens"
      actions={
        canManage && (
          <Button onClick={() => setCreating(true)} data-testid="create-token">
            <Plus />
            {t('tokens.create.action')}
          </Button>
        )
      }
    >
      <Tokens />
      {canManage && (
        <CreateTokenDialog
          open={creating}
          onClose={() => setCreating(false)}
          onCreated={(value, name) => {
            setCreating(false);
            setSecret({ value, name });
          }}
        />
      )}
      <Dialog
        open={secret !== null}
        onClose={() => setSecret(null)}
        title={t('tokens.secret.title', { name: secret?.name ?? '' })}
        closeLabel={t('common.close')}
        data-testid="token-secret-dialog"
      >
        {secret && (
          <div className="space-y-4">
            <p className="flex items-start gap-2 rounded-md border border-warning/30 bg-warning/10 px-3 py-2 text-sm" data-testid="token-secret-warning">
              <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
              {t('tokens.secret.warning')}
            </p>
            <CopyField value={secret.value} testId="token-secret" />
            <p className="text-muted-foreground text-xs">{t('tokens.secret.usage')}</p>
            <div className="flex justify-end">
              <Button onClick={() => setSecret(null)} data-testid="token-secret-done">
                {t('tokens.secret.done')}
              </Button>
            </div>
          </div>
        )}
      </Dialog>
    </SettingsSection>
  );
}

function Tokens() {
  const t = useT();
  const { locale } = useLocale();
  const canManage = useCan('tokens.manage');
  const queryClient = useQueryClient();
  const query = useQuery(tokensQuery);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => revokeToken(token.id),
    onSuccess: () => setRevoking(null),
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokensQuery.queryKey }),
  });

  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <p className="text-muted-foreground">{t('common.loading')}</p>;
  const { tokens } = query.data;
  if (tokens.length === 0) {
    return (
      <p className="rounded-lg border border-dashed px-4 py-8 text-center text-muted-foreground" data-testid="tokens-empty">
        {t('tokens.empty')}
      </p>
    );
  }

  return (
    <>
      <Table data-testid="tokens-table">
        <TableHeader>
          <TableRow>
            <TableHead>{t('tokens.name')}</TableHead>
            <TableHead>{t('tokens.kind')}</TableHead>
            <TableHead>{t('tokens.agentOrScopes')}</TableHead>
            <TableHead>{t('tokens.prefix')}</TableHead>
            <TableHead>{t('tokens.created')}</TableHead>
            <TableHead>{t('tokens.lastUsed')}</TableHead>
            <TableHead>{t('tokens.expires')}</TableHead>
            <TableHead>{t('tokens.status')}</TableHead>
            {canManage && <TableHead className="text-right">{t('common.actions')}</TableHead>}
          </TableRow>
        </TableHeader>
        <TableBody>
          {tokens.map((token) => {
            const status = tokenStatus(token);
            return (
              <TableRow key={token.id} data-testid="token-row" data-name={token.name} data-status={status}>
                <TableCell className="min-w-40 font-medium">{token.name}</TableCell>
                <TableCell>
                  <Badge variant="outline">{t(`tokens.kind.${token.kind}`)}</Badge>
                </TableCell>
                <TableCell className="max-w-56">
                  {token.agentId ? (
                    <span>{agentName(token.agentId)}</span>
                  ) : (
                    <span className="flex flex-wrap gap-1">
                      {token.scopes.map((scope) => (
                        <code key={scope} className="rounded bg-muted px-1 py-0.5 text-[11px]">
                          {scope}
                        </code>
                      ))}
                    </span>
                  )}
                </TableCell>
                <TableCell>
                  <code className="whitespace-nowrap font-mono text-muted-foreground text-xs">{token.prefix}…</code>
                </TableCell>
                <TableCell className="whitespace-nowrap text-muted-foreground">{formatDate(token.createdAt, locale)}</TableCell>
                <TableCell className="whitespace-nowrap text-muted-foreground" data-testid="token-last-used">
                  {token.lastUsedAt ? formatDateTime(token.lastUsedAt, locale) : t('tokens.never')}
                </TableCell>
                <TableCell className="whitespace-nowrap text-muted-foreground">
                  {token.expiresAt ? formatDate(token.expiresAt, locale) : t('tokens.noExpiry')}
                </TableCell>
                <TableCell>
                  <Badge variant={statusBadge[status]} data-testid="token-status">
                    {t(`tokens.status.${status}`)}
                  </Badge>
                </TableCell>
                {canManage && (
                  <TableCell className="text-right">
                    {status === 'active' && (
                      <Button variant="ghost" size="sm" onClick={() => setRevoking(token)} data-testid="token-revoke">
                        <Ban />
                        {t('tokens.revoke.action')}
                      </Button>
                    )}
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <ConfirmDialog
        open={revoking !== null}
        title={t('tokens.revoke.title')}
        description={t('tokens.revoke.body', { name: revoking?.name ?? '' })}
        confirmLabel={t('tokens.revoke.action')}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        pending={revoke.isPending}
        error={revoke.error}
        destructive
        testId="token-revoke-dialog"
      />
    </>
  );
}
