import { Plug } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Button } from '../../components/ui/button.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { useT } from '../../i18n/index.ts';

/** Channels whose seller is only known when the channel sends the person back (Mercado Livre, Shopee, TikTok Shop). */
type RedirectPlatform = 'mercadolivre' | 'shopee' | 'tiktokshop';

/** The server's start route: it stores a single-use state and redirects to the channel's authorization page. */
export const oauthStartUrl = (platform: RedirectPlatform, name?: string) =>
  `/api/stores/oauth/${platform}/start${name?.trim() ? `?${new URLSearchParams({ name: name.trim() }).toString()}` : ''}`;

/** Only a display name is asked: the account (seller, shop) comes back from the channel. */
export function OAuthRedirectConnect({ platform }: { platform: RedirectPlatform }) {
  const t = useT();
  const [name, setName] = useState('');
  const authorize = (event: FormEvent) => {
    event.preventDefault();
    window.location.assign(oauthStartUrl(platform, name));
  };
  return (
    <form className="space-y-4" onSubmit={authorize} data-testid={`connect-${platform}`}>
      <Field label={t('stores.name')} htmlFor={`connect-${platform}-name`}>
        <Input id={`connect-${platform}-name`} value={name} onChange={(e) => setName(e.target.value)} data-testid={`connect-${platform}-name`} />
      </Field>
      <Button type="submit" data-testid={`connect-${platform}-oauth`}>
        <Plug />
        {t(`stores.connect.${platform}.button`)}
      </Button>
      <p className="text-muted-foreground text-xs">{t(`stores.connect.${platform}.help`)}</p>
    </form>
  );
}
