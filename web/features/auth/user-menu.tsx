import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ChevronsUpDown, LogOut, UserRound } from 'lucide-react';
import { Button } from '../../components/ui/button.tsx';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '../../components/ui/dropdown-menu.tsx';
import { useT } from '../../i18n/index.ts';
import { logout } from './auth-api.ts';
import { useMe } from './session.tsx';
import { useSessionActions } from './use-session-actions.ts';

/** Initials for the avatar: "Ana Souza" -> "AS", "owner@x" -> "O". */
export function initials(name: string, email: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 0 ? words.map((word) => word[0]) : [email[0] ?? '?'];
  return (letters.length > 1 ? `${letters[0]}${letters[letters.length - 1]}` : (letters[0] ?? '?')).toUpperCase();
}

/** The signed-in person in the sidebar footer: profile and log out. */
export function UserMenu({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  const me = useMe();
  const { signedOut } = useSessionActions();
  // Whatever the server says (even a network error), this browser forgets the session.
  const mutation = useMutation({ mutationFn: logout, onSettled: signedOut });
  const name = me.user.name || me.user.email;
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="h-auto w-full justify-start gap-2.5 px-2 py-1.5 text-left" data-testid="user-menu" aria-label={t('user.menu')}>
          <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-muted font-semibold text-xs" aria-hidden="true">
            {initials(me.user.name, me.user.email)}
          </span>
          <span className="min-w-0 flex-1 leading-tight">
            <span className="block truncate font-medium" data-testid="user-name">
              {name}
            </span>
            <span className="block truncate font-normal text-muted-foreground text-xs" data-testid="user-email">
              {me.user.email}
            </span>
          </span>
          <ChevronsUpDown className="text-muted-foreground" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" side="top" className="w-56">
        <DropdownMenuLabel className="truncate">{me.user.email}</DropdownMenuLabel>
        <DropdownMenuItem asChild>
          <Link to="/profile" onClick={onNavigate} data-testid="user-menu-profile">
            <UserRound />
            {t('user.profile')}
          </Link>
        </DropdownMenuItem>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => mutation.mutate()} disabled={mutation.isPending} data-testid="user-menu-logout">
          <LogOut />
          {t('user.logout')}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
