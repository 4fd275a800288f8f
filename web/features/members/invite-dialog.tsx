import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Mail, MailWarning } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { canAssignRole, type Role, roles } from '../../../src/contracts/permissions.ts';
import { CopyField } from '../../components/copy-button.tsx';
import { FormError } from '../../components/error-notice.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { useT } from '../../i18n/index.ts';
import { useMe } from '../auth/session.tsx';
import { inviteMember, membersQuery } from './members-api.ts';

/** Roles this person may hand out to a newcomer (an admin never creates owners). */
export const invitableRoles = (actorRole: Role): Role[] => roles.filter((role) => canAssignRole(actorRole, null, role));

export function InviteDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const me = useMe();
  const queryClient = useQueryClient();
  const choices = invitableRoles(me.role);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>(choices.includes('operator') ? 'operator' : (choices[choices.length - 1] ?? 'viewer'));
  const mutation = useMutation({
    mutationFn: () => inviteMember(email.trim(), role),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: membersQuery.queryKey }),
  });
  const close = () => {
    setEmail('');
    mutation.reset();
    onClose();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    mutation.mutate();
  };
  const result = mutation.data;

  return (
    <Dialog
      open={open}
      onClose={close}
      title={result ? t('members.invite.createdTitle') : t('members.invite.title')}
      description={result ? t('members.invite.createdBody', { email: result.invitation.email }) : t('members.invite.description')}
      dismissible={!mutation.isPending}
      closeLabel={t('common.close')}
      data-testid="invite-dialog"
    >
      {result ? (
        <div className="space-y-4" data-testid="invite-result" data-emailed={result.emailed}>
          <CopyField value={result.inviteUrl} testId="invite-url" label={t('members.invite.copyLink')} />
          <p className="flex items-start gap-2 text-sm" data-testid="invite-emailed">
            {result.emailed ? (
              <>
                <Mail className="mt-0.5 size-4 shrink-0 text-success" aria-hidden="true" />
                {t('members.invite.emailed', { email: result.invitation.email })}
              </>
            ) : (
              <>
                <MailWarning className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
                {t('members.invite.notEmailed')}
              </>
            )}
          </p>
          <div className="flex justify-end">
            <Button onClick={close} data-testid="invite-done">
              {t('common.done')}
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={onSubmit} className="grid gap-4">
          <Field label={t('members.email')} htmlFor="invite-email">
            <Input
              id="invite-email"
              data-testid="invite-email"
              type="email"
              autoComplete="off"
              required
              autoFocus
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </Field>
          <Field label={t('members.role')} htmlFor="invite-role" hint={t(`role.${role}.description`)}>
            <Select id="invite-role" data-testid="invite-role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
              {choices.map((choice) => (
                <option key={choice} value={choice}>
                  {t(`role.${choice}`)}
                </option>
              ))}
            </Select>
          </Field>
          {mutation.isError && <FormError error={mutation.error} />}
          <div className="flex justify-end gap-2">
            <Button variant="outline" onClick={close} disabled={mutation.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" disabled={mutation.isPending} data-testid="invite-submit">
              {mutation.isPending ? t('common.working') : t('members.invite.submit')}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
