import { useMutation } from '@tanstack/react-query';
import { Building2, ChevronsUpDown } from 'lucide-react';
import { FormError } from '../../components/error-notice.tsx';
import { Button } from '../../components/ui/button.tsx';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuTrigger,
} from '../../components/ui/dropdown-menu.tsx';
import { useT } from '../../i18n/index.ts';
import { switchOrg } from './auth-api.ts';
import { useMe } from './session.tsx';
import { useSessionActions } from './use-session-actions.ts';

/** The current org and role at the top of the sidebar; a menu to switch when the user belongs to several. */
export function OrgSwitcher() {
  const t = useT();
  const me = useMe();
  const { switchedOrg } = useSessionActions();
  const mutation = useMutation({ mutationFn: switchOrg, onSuccess: switchedOrg });
  const current = (
    <span className="min-w-0 flex-1 text-left leading-tight">
      <span className="block truncate font-medium" data-testid="current-org">
        {me.org.name}
      </span>
      <span className="block truncate font-normal text-muted-foreground text-xs" data-testid="current-role">
        {t(`role.${me.role}`)}
      </span>
    </span>
  );

  if (me.orgs.length < 2) {
    return (
      <div className="flex items-center gap-2.5 rounded-md border bg-background/60 px-2 py-1.5" data-testid="org-switcher" data-single="true">
        <Building2 className="size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
        {current}
      </div>
    );
  }

  return (
    <div className="space-y-2">
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="outline" className="h-auto w-full justify-start gap-2.5 px-2 py-1.5" data-testid="org-switcher" aria-label={t('org.switch')}>
            <Building2 className="text-muted-foreground" aria-hidden="true" />
            {current}
            <ChevronsUpDown className="text-muted-foreground" />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-60">
          <DropdownMenuLabel>{t('org.switch')}</DropdownMenuLabel>
          <DropdownMenuRadioGroup value={me.org.id} onValueChange={(orgId) => orgId !== me.org.id && mutation.mutate(orgId)}>
            {me.orgs.map((org) => (
              <DropdownMenuRadioItem key={org.id} value={org.id} data-testid={`org-option-${org.slug}`} disabled={mutation.isPending}>
                <span className="min-w-0 flex-1 truncate">{org.name}</span>
                <span className="text-muted-foreground text-xs">{t(`role.${org.role}`)}</span>
              </DropdownMenuRadioItem>
            ))}
          </DropdownMenuRadioGroup>
        </DropdownMenuContent>
      </DropdownMenu>
      {mutation.isError && <FormError error={mutation.error} className="text-xs" />}
    </div>
  );
}
