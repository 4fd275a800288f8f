import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ShieldCheck, Trash2, UserPlus, X } from 'lucide-react';
import { useState } from 'react';
import { canAssignRole, type Role, roles } from '../../../src/contracts/permissions.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Select } from '../../components/ui/select.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDate, useLocale, useT } from '../../i18n/index.ts';
import { useCan, useMe } from '../auth/session.tsx';
import { SettingsSection } from '../settings/settings-section.tsx';
import { InviteDialog } from './invite-dialog.tsx';
import { changeMemberRole, membersQuery, removeMember, revokeInvitation } from './members-api.ts';

type Pending = { kind: 'remove'; userId: string; name: string } | { kind: 'revoke'; id: string; email: string } | null;

export function MembersPage() {
  const t = useT();
  const canManage = useCan('members.manage');
  const [inviting, setInviting] = useState(false);
  return (
    <SettingsSection
      pageId="members"
      actions={
        canManage && (
          <Button onClick={() => setInviting(true)} data-testid="invite-member">
            <UserPlus />
            {t('members.invite.action')}
          </Button>
        )
      }
    >
      <Members />
      {canManage && <InviteDialog open={inviting} onClose={() => setInviting(false)} />}
    </SettingsSection>
  );
}

function Members() {
  const t = useT();
  const { locale } = useLocale();
  const me = useMe();
  const canManage = useCan('members.manage');
  const queryClient = useQueryClient();
  const query = useQuery(membersQuery);
  const [pending, setPending] = useState<Pending>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: membersQuery.queryKey });

  const roleChange = useMutation({ mutationFn: ({ userId, role }: { userId: string; role: Role }) => changeMemberRole(userId, role), onSettled: refresh });
  const removal = useMutation({
    mutationFn: (current: NonNullable<Pending>) => (current.kind === 'remove' ? removeMember(current.userId) : revokeInvitation(current.id)),
    onSuccess: () => setPending(null),
    onSettled: refresh,
  });

  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <p className="text-muted-foreground">{t('common.loading')}</p>;
  const { members, invitations } = query.data;

  return (
    <div className="space-y-8">
      {!canManage && (
        <p className="text-muted-foreground text-sm" data-testid="members-read-only">
          {t('settings.readOnly')}
        </p>
      )}
      {roleChange.isError && <FormError error={roleChange.error} />}
      <Table data-testid="members-table">
        <TableHeader>
          <TableRow>
            <TableHead>{t('members.member')}</TableHead>
            <TableHead>{t('members.role')}</TableHead>
            <TableHead>{t('members.twoFactor')}</TableHead>
            <TableHead>{t('members.joined')}</TableHead>
            {canManage && <TableHead className="text-right">{t('common.actions')}</TableHead>}
          </TableRow>
        </TableHeader>
        <TableBody>
          {members.map((member) => {
            const self = member.userId === me.user.id;
            const assignable = canManage ? roles.filter((role) => role === member.role || canAssignRole(me.role, member.role, role)) : [];
            const editable = canManage && canAssignRole(me.role, member.role, null);
            return (
              <TableRow key={member.userId} data-testid="member-row" data-email={member.email} data-role={member.role}>
                <TableCell>
                  <div className="font-medium">
                    {member.name || member.email}
                    {self && (
                      <Badge variant="secondary" className="ml-2">
                        {t('members.you')}
                      </Badge>
                    )}
                  </div>
                  <div className="text-muted-foreground text-xs">{member.email}</div>
                </TableCell>
                <TableCell>
                  {editable && assignable.length > 1 ? (
                    <Select
                      aria-label={t('members.roleOf', { name: member.name || member.email })}
                      data-testid="member-role"
                      className="w-36"
                      value={member.role}
                      disabled={roleChange.isPending}
                      onChange={(event) => roleChange.mutate({ userId: member.userId, role: event.target.value as Role })}
                    >
                      {assignable.map((role) => (
                        <option key={role} value={role}>
                          {t(`role.${role}`)}
                        </option>
                      ))}
                    </Select>
                  ) : (
                    <Badge variant="outline" data-testid="member-role-badge">
                      {t(`role.${member.role}`)}
                    </Badge>
                  )}
                </TableCell>
                <TableCell>
                  {member.twoFactorEnabled ? (
                    <Badge variant="success">
                      <ShieldCheck />
                      {t('twoFactor.on')}
                    </Badge>
                  ) : (
                    <span className="text-muted-foreground text-xs">{t('twoFactor.off')}</span>
                  )}
                </TableCell>
                <TableCell className="whitespace-nowrap text-muted-foreground">{formatDate(member.joinedAt, locale)}</TableCell>
                {canManage && (
                  <TableCell className="text-right">
                    {editable && (
                      <Button
                        variant="ghost"
                        size="sm"
                        data-testid="member-remove"
                        onClick={() => setPending({ kind: 'remove', userId: member.userId, name: member.name || member.email })}
                      >
                        <Trash2 />
                        {self ? t('members.leave') : t('members.remove')}
                      </Button>
                    )}
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>

      <div className="space-y-3">
        <h3 className="font-semibold">{t('members.invitations.title')}</h3>
        {invitations.length === 0 ? (
          <p className="rounded-lg border border-dashed px-4 py-6 text-center text-muted-foreground" data-testid="invitations-empty">
            {t('members.invitations.empty')}
          </p>
        ) : (
          <Table data-testid="invitations-table">
            <TableHeader>
              <TableRow>
                <TableHead>{t('members.email')}</TableHead>
                <TableHead>{t('members.role')}</TableHead>
                <TableHead>{t('members.invitations.sent')}</TableHead>
                <TableHead>{t('members.invitations.expires')}</TableHead>
                {canManage && <TableHead className="text-right">{t('common.actions')}</TableHead>}
              </TableRow>
            </TableHeader>
            <TableBody>
              {invitations.map((invitation) => (
                <TableRow key={invitation.id} data-testid="invitation-row" data-email={invitation.email}>
                  <TableCell className="font-medium">{invitation.email}</TableCell>
                  <TableCell>
                    <Badge variant="outline">{t(`role.${invitation.role}`)}</Badge>
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{formatDate(invitation.createdAt, locale)}</TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{formatDate(invitation.expiresAt, locale)}</TableCell>
                  {canManage && (
                    <TableCell className="text-right">
                      {canAssignRole(me.role, null, invitation.role) && (
                        <Button
                          variant="ghost"
                          size="sm"
                          data-testid="invitation-revoke"
                          onClick={() => setPending({ kind: 'revoke', id: invitation.id, email: invitation.email })}
                        >
                          <X />
                          {t('members.invitations.revoke')}
                        </Button>
                      )}
                    </TableCell>
                  )}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </div>

      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === 'revoke' ? t('members.invitations.revokeTitle') : t('members.removeTitle')}
        description={
          pending?.kind === 'revoke'
            ? t('members.invitations.revokeBody', { email: pending.email })
            : t('members.removeBody', { name: pending?.kind === 'remove' ? pending.name : '' })
        }
        confirmLabel={pending?.kind === 'revoke' ? t('members.invitations.revoke') : t('members.remove')}
        onConfirm={() => pending && removal.mutate(pending)}
        onClose={() => {
          setPending(null);
          removal.reset();
        }}
        pending={removal.isPending}
        error={removal.error}
        destructive
        testId="member-confirm"
      />
    </div>
  );
}
