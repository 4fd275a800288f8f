import { Plug } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Button } from '../../components/ui/button.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { useT } from '../../i18n/index.ts';

/** Shopee's shop authorization: Shopee names the shop (shop_id) on the way back, so only a display name is asked. */
export const shopeeAuthorizeUrl = (name?: string) =>
  `/api/stores/oauth/shopee/start${name?.trim() ? `?${new URLSearchParams({ name: name.trim() }).toString()}` : ''}`;

export function ShopeeConnect() {
  const t = useT();
  const [name, setName] = useState('');
  const authorize = (event: FormEvent) => {
    event.preventDefault();
    window.location.assign(shopeeAuthorizeUrl(name));
  };
  return (
    <form className="mt-6 space-y-4 border-t pt-4" onSubmit={authorize} data-testid="connect-shopee">
      <p className="font-medium text-sm">{t('stores.connect.shopee')}</p>
      <Field label={t('stores.name')} htmlFor="connect-shopee-name">
        <Input id="connect-shopee-name" value={name} onChange={(e) => setName(e.target.value)} data-testid="connect-shopee-name" />
      </Field>
      <Button type="submit" variant="outline" data-testid="connect-shopee-oauth">
        <Plug />
        {t('stores.connect.shopeeOauth')}
      </Button>
      <p className="text-muted-foreground text-xs">{t('stores.connect.shopeeHelp')}</p>
    </form>
  );
}
