import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { FormError } from '../../components/error-notice.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { Textarea } from '../../components/ui/textarea.tsx';
import { useLocale, useT } from '../../i18n/index.ts';
import { useMe } from '../auth/session.tsx';
import { membersQuery } from '../members/members-api.ts';
import { assignTask, completeTask, formatHours, TASKS_KEY, type Task } from './tasks-api.ts';

/** Roles that can be given a task (operators complete their own; owners and admins any). */
export const assigneeRoles: ReadonlySet<string> = new Set(['owner', 'admin', 'operator']);

interface ReasonDialogProps {
  open: boolean;
  title: string;
  description: string;
  confirmLabel: string;
  onConfirm: (reason: string) => void;
  onClose: () => void;
  pending?: boolean;
  error?: unknown;
  testId: string;
}

/** Asks for a reason (required) before a reject or a return. */
export function ReasonDialog({ open, title, description, confirmLabel, onConfirm, onClose, pending = false, error, testId }: ReasonDialogProps) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const missing = reason.trim().length === 0;
  useEffect(() => {
    if (!open) return;
    setReason('');
    setTouched(false);
  }, [open]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (!missing) onConfirm(reason.trim());
  };
  return (
    <Dialog open={open} onClose={onClose} title={title} description={description} dismissible={!pending} closeLabel={t('common.close')} data-testid={testId}>
      <form onSubmit={onSubmit} className="grid gap-4" noValidate>
        <Field label={t('tasks.reason')} htmlFor={`${testId}-reason`} error={touched && missing ? t('tasks.reasonRequired') : undefined}>
          <Textarea
            id={`${testId}-reason`}
            data-testid={`${testId}-reason`}
            autoFocus
            maxLength={2000}
            value={reason}
            aria-invalid={touched && missing}
            onChange={(event) => setReason(event.target.value)}
          />
        </Field>
        {error ? <FormError error={error} /> : null}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={onClose} disabled={pending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={pending} data-testid={`${testId}-confirm`} className="bg-danger text-white hover:bg-danger/90">
            {pending ? t('common.working') : confirmLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** Picks a member (owner, admin or operator) and assigns an approved task to them: it starts. */
export function AssignDialog({ task, onClose }: { task: Task | null; onClose: () => void }) {
  const t = useT();
  const me = useMe();
  const queryClient = useQueryClient();
  const members = useQuery({ ...membersQuery, enabled: task !== null });
  const [assignee, setAssignee] = useState('');
  const candidates = (members.data?.members ?? []).filter((member) => assigneeRoles.has(member.role));
  const mutation = useMutation({
    mutationKey: [...TASKS_KEY, 'assign'],
    mutationFn: ({ taskId, userId }: { taskId: string; userId: string }) => assignTask(taskId, userId),
    onSuccess: () => close(),
    onSettled: () => queryClient.invalidateQueries({ queryKey: TASKS_KEY }),
  });
  const close = () => {
    setAssignee('');
    mutation.reset();
    onClose();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (task && assignee) mutation.mutate({ taskId: task.id, userId: assignee });
  };
  return (
    <Dialog
      open={task !== null}
      onClose={close}
      title={t('tasks.assign.title')}
      description={task?.title}
      dismissible={!mutation.isPending}
      closeLabel={t('common.close')}
      data-testid="assign-dialog"
    >
      <form onSubmit={onSubmit} className="grid gap-4">
        <Field label={t('tasks.assign.member')} htmlFor="assign-member" hint={t('tasks.assign.hint')}>
          <Select id="assign-member" data-testid="assign-member" value={assignee} required onChange={(event) => setAssignee(event.target.value)}>
            <option value="" disabled>
              {members.isPending ? t('common.loading') : t('tasks.assign.choose')}
            </option>
            {candidates.map((member) => (
              <option key={member.userId} value={member.userId} data-email={member.email}>
                {`${member.name || member.email}${member.userId === me.user.id ? ` (${t('members.you')})` : ''} · ${t(`role.${member.role}`)}`}
              </option>
            ))}
          </Select>
        </Field>
        {members.isError && <FormError error={members.error} />}
        {mutation.isError && <FormError error={mutation.error} />}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={close} disabled={mutation.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={mutation.isPending || !assignee} data-testid="assign-submit">
            {mutation.isPending ? t('common.working') : t('tasks.assign.submit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export interface CompletionStats {
  estimatedHours: number;
  actualHours: number;
  accuracy: number;
}

/** Records the hours spent (required) and notes, and completes the task. */
export function CompleteDialog({
  task,
  onClose,
  onCompleted,
}: {
  task: Task | null;
  onClose: () => void;
  onCompleted?: (task: Task, stats: CompletionStats) => void;
}) {
  const t = useT();
  const { locale } = useLocale();
  const queryClient = useQueryClient();
  const [hours, setHours] = useState('');
  const [notes, setNotes] = useState('');
  const [touched, setTouched] = useState(false);
  const value = Number(hours.replace(',', '.'));
  const valid = hours.trim() !== '' && Number.isFinite(value) && value > 0 && value <= 10_000;
  const mutation = useMutation({
    mutationKey: [...TASKS_KEY, 'complete'],
    mutationFn: (input: { taskId: string; hours: number; notes: string }) => completeTask(input.taskId, input.hours, input.notes.trim() || undefined),
    onSuccess: (result) => {
      onCompleted?.(result.task, result.stats);
      close();
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: TASKS_KEY }),
  });
  const close = () => {
    setHours('');
    setNotes('');
    setTouched(false);
    mutation.reset();
    onClose();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (task && valid) mutation.mutate({ taskId: task.id, hours: value, notes });
  };
  return (
    <Dialog
      open={task !== null}
      onClose={close}
      title={t('tasks.complete.title')}
      description={task?.title}
      dismissible={!mutation.isPending}
      closeLabel={t('common.close')}
      data-testid="complete-dialog"
    >
      <form onSubmit={onSubmit} className="grid gap-4" noValidate>
        <Field
          label={t('tasks.complete.hours')}
          htmlFor="complete-hours"
          hint={task ? t('tasks.complete.estimated', { hours: formatHours(task.estimatedHours, locale) }) : undefined}
          error={touched && !valid ? t('tasks.complete.hoursInvalid') : undefined}
        >
          <Input
            id="complete-hours"
            data-testid="complete-hours"
            type="number"
            inputMode="decimal"
            min={0.1}
            step={0.25}
            autoFocus
            value={hours}
            aria-invalid={touched && !valid}
            onChange={(event) => setHours(event.target.value)}
            className="max-w-40"
          />
        </Field>
        <Field label={t('tasks.complete.notes')} htmlFor="complete-notes" hint={t('tasks.complete.notesHint')}>
          <Textarea id="complete-notes" data-testid="complete-notes" maxLength={5000} value={notes} onChange={(event) => setNotes(event.target.value)} />
        </Field>
        {mutation.isError && <FormError error={mutation.error} />}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={close} disabled={mutation.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="complete-submit">
            {mutation.isPending ? t('common.working') : t('tasks.complete.submit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
