import { useQuery } from '@tanstack/react-query';
import { useT } from '../../i18n/index.ts';
import { useMe } from '../auth/session.tsx';
import { membersQuery } from '../members/members-api.ts';

/** A member's display name from their user id ("You" for the signed-in person; the id when unknown). */
export function useMemberNames(): (userId: string | undefined) => string {
  const t = useT();
  const me = useMe();
  const members = useQuery(membersQuery);
  return (userId) => {
    if (!userId) return '—';
    if (userId === me.user.id) return t('members.you');
    const member = members.data?.members.find((candidate) => candidate.userId === userId);
    return member ? member.name || member.email : userId.slice(0, 8);
  };
}
