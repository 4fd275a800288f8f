import { useQuery } from '@tanstack/react-query';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { useT } from '../../i18n/index.ts';
import { storesQuery } from './stores-api.ts';
import { useChannelName } from './use-channel-name.ts';

/** The "Store" and "Channel" selects of the Catalog and Orders filters (the org's stores and their channels). */
export function StoreFilterFields({
  idPrefix,
  storeId,
  platform,
  onChange,
}: {
  idPrefix: string;
  storeId: string;
  platform: string;
  onChange: (next: { storeId?: string; platform?: string }) => void;
}) {
  const t = useT();
  const stores = useQuery(storesQuery).data?.stores ?? [];
  const channelName = useChannelName();
  const platforms = [...new Set(stores.map((s) => s.platform))].sort();
  return (
    <>
      <Field label={t('filters.store')} htmlFor={`${idPrefix}-store`}>
        <Select
          id={`${idPrefix}-store`}
          value={storeId}
          onChange={(event) => onChange({ storeId: event.target.value })}
          data-testid={`${idPrefix}-filter-store`}
        >
          <option value="">{t('filters.any')}</option>
          {stores.map((store) => (
            <option key={store.id} value={store.id}>
              {store.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t('filters.channel')} htmlFor={`${idPrefix}-channel`}>
        <Select
          id={`${idPrefix}-channel`}
          value={platform}
          onChange={(event) => onChange({ platform: event.target.value })}
          data-testid={`${idPrefix}-filter-channel`}
        >
          <option value="">{t('filters.any')}</option>
          {platforms.map((id) => (
            <option key={id} value={id}>
              {channelName(id)}
            </option>
          ))}
        </Select>
      </Field>
    </>
  );
}
