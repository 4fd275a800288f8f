import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Plug, Plus, RefreshCw } from 'lucide-react';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { StoreView } from '../../../src/contracts/stores.ts';
import { ApiError } from '../../api/index.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { useCan } from '../auth/session.tsx';
import { JobStatusBadge } from '../jobs/job-badges.tsx';
import { JobDrawer } from '../jobs/job-drawer.tsx';
import { jobDetailQuery } from '../jobs/jobs-api.ts';
import { AmazonConnectForm } from './amazon-connect-form.tsx';
import { KawayConnectForm, KawayFilesDialog } from './kaway-stores.tsx';
import { OAuthRedirectConnect } from './oauth-redirect-connect.tsx';
import {
  connectorsQuery,
  createStore,
  shopifyInstallUrl,
  storeAction,
  storeLimitsQuery,
  storesQuery,
  syncStore,
  testStore,
  webhookEventsQuery,
} from './stores-api.ts';
import { useChannelName } from './use-channel-name.ts';

const statusBadge = { active: 'success', paused: 'warning', disconnected: 'secondary', error: 'danger' } as const;
const levelBadge = { native: 'success', workaround: 'warning', unsupported: 'secondary' } as const;

/** Stores: connected channel accounts with their health, the connect flows and every connector's capability matrix. */
export function StoresPage() {
  const t = useT();
  const canManage = useCan('stores.manage');
  const [connecting, setConnecting] = useState(false);
  const params = new URLSearchParams(typeof window === 'undefined' ? '' : window.location.search);
  const oauthError = params.get('oauthError');
  return (
    <div className="space-y-6" data-testid="stores-page">
      <PageHeader
        title={t('stores.title')}
        description={t('stores.subtitle')}
        actions={
          canManage && (
            <Button onClick={() => setConnecting(true)} data-testid="connect-store">
              <Plus />
              {t('stores.connect')}
            </Button>
          )
        }
      />
      {oauthError && (
        <p className="rounded-md border border-danger/30 bg-danger/10 px-3 py-2 text-sm" data-testid="oauth-error">
          {t('stores.oauthError', { reason: oauthError })}
        </p>
      )}
      <StoresTable />
      <CapabilityMatrix />
      {canManage && <ConnectDialog open={connecting} onClose={() => setConnecting(false)} />}
    </div>
  );
}

function StoresTable() {
  const channelName = useChannelName();
  const t = useT();
  const { locale } = useLocale();
  const canManage = useCan('stores.manage');
  const queryClient = useQueryClient();
  const query = useQuery(storesQuery);
  const [tests, setTests] = useState<Record<string, { ok: boolean; error: string | null; latencyMs: number }>>({});
  const [disconnecting, setDisconnecting] = useState<StoreView | null>(null);
  const [events, setEvents] = useState<StoreView | null>(null);
  const [files, setFiles] = useState<StoreView | null>(null);
  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: storesQuery.queryKey }), [queryClient]);
  const test = useMutation({
    mutationFn: (store: StoreView) => testStore(store.id).then((result) => ({ id: store.id, result })),
    onSuccess: ({ id, result }) => setTests((current) => ({ ...current, [id]: result })),
    onSettled: refresh,
  });
  const [syncs, setSyncs] = useState<Record<string, string>>({});
  const [openJob, setOpenJob] = useState<string | null>(null);
  const sync = useMutation({
    mutationFn: (store: StoreView) => syncStore(store.id).then(({ jobId }) => ({ id: store.id, jobId })),
    onSuccess: ({ id, jobId }) => setSyncs((current) => ({ ...current, [id]: jobId })),
    onError: (error, store) => {
      // Already queued or running: follow that sync instead.
      const running = error instanceof ApiError && (error.details as { jobId?: unknown } | undefined)?.jobId;
      if (typeof running === 'string') setSyncs((current) => ({ ...current, [store.id]: running }));
    },
  });
  const act = useMutation({
    mutationFn: ({ store, action }: { store: StoreView; action: 'pause' | 'resume' | 'disconnect' }) => storeAction(store.id, action),
    onSuccess: () => setDisconnecting(null),
    onSettled: refresh,
  });

  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <p className="text-muted-foreground">{t('common.loading')}</p>;
  if (query.data.stores.length === 0)
    return (
      <p className="rounded-lg border border-dashed px-4 py-8 text-center text-muted-foreground" data-testid="stores-empty">
        {t('stores.empty')}
      </p>
    );
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('stores.connected')}</CardTitle>
      </CardHeader>
      <CardContent>
        {(test.error || act.error || sync.error) && <FormError error={test.error ?? act.error ?? sync.error} />}
        <Table data-testid="stores-table">
          <TableHeader>
            <TableRow>
              <TableHead>{t('stores.name')}</TableHead>
              <TableHead>{t('stores.platform')}</TableHead>
              <TableHead>{t('stores.status')}</TableHead>
              <TableHead>{t('stores.lastSync')}</TableHead>
              <TableHead>{t('stores.health')}</TableHead>
              <TableHead className="text-right">{t('common.actions')}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {query.data.stores.map((store) => (
              <TableRow key={store.id} data-testid="store-row" data-name={store.name}>
                <TableCell>
                  <div className="font-medium">{store.name}</div>
                  <div className="font-mono text-muted-foreground text-xs">{store.externalId ?? '—'}</div>
                  <div className="text-muted-foreground text-xs" data-testid="store-credentials">
                    {store.credentialFields.length > 0 ? t('stores.credentialsSet', { fields: store.credentialFields.join(', ') }) : t('stores.noCredentials')}
                  </div>
                </TableCell>
                <TableCell>{channelName(store.platform)}</TableCell>
                <TableCell>
                  <Badge variant={statusBadge[store.status]} data-testid="store-status">
                    {t(`stores.status.${store.status}`)}
                  </Badge>
                </TableCell>
                <TableCell className="text-muted-foreground text-xs">
                  <div>{store.lastSyncedAt ? formatDateTime(store.lastSyncedAt, locale) : t('stores.never')}</div>
                  {syncs[store.id] && <SyncProgress store={store} jobId={syncs[store.id] as string} onOpen={setOpenJob} onDone={refresh} />}
                </TableCell>
                <TableCell>
                  <StoreHealth store={store} test={tests[store.id]} />
                </TableCell>
                <TableCell>
                  <div className="flex flex-wrap justify-end gap-1">
                    <Button size="sm" variant="outline" onClick={() => setEvents(store)} data-testid="store-events">
                      {t('stores.events')}
                    </Button>
                    {canManage && store.platform === 'kaway' && store.status !== 'disconnected' && (
                      <Button size="sm" variant="outline" onClick={() => setFiles(store)} data-testid="store-files">
                        {t('stores.kaway.files')}
                      </Button>
                    )}
                    {canManage && store.status === 'active' && (
                      <Button
                        size="sm"
                        variant="outline"
                        onClick={() => sync.mutate(store)}
                        disabled={sync.isPending && sync.variables?.id === store.id}
                        data-testid="store-sync"
                      >
                        <RefreshCw />
                        {t('stores.syncNow')}
                      </Button>
                    )}
                    {canManage && store.status !== 'disconnected' && (
                      <>
                        <Button size="sm" variant="outline" onClick={() => test.mutate(store)} disabled={test.isPending} data-testid="store-test">
                          {t('stores.test')}
                        </Button>
                        <Button
                          size="sm"
                          variant="outline"
                          onClick={() => act.mutate({ store, action: store.status === 'paused' ? 'resume' : 'pause' })}
                          data-testid="store-pause"
                        >
                          {store.status === 'paused' ? t('stores.resume') : t('stores.pause')}
                        </Button>
                        <Button size="sm" variant="outline" onClick={() => setDisconnecting(store)} data-testid="store-disconnect">
                          {t('stores.disconnect')}
                        </Button>
                      </>
                    )}
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
      <ConfirmDialog
        open={disconnecting !== null}
        onClose={() => setDisconnecting(null)}
        title={t('stores.disconnect.title', { name: disconnecting?.name ?? '' })}
        description={t('stores.disconnect.description')}
        confirmLabel={t('stores.disconnect')}
        destructive
        pending={act.isPending}
        onConfirm={() => disconnecting && act.mutate({ store: disconnecting, action: 'disconnect' })}
      />
      <JobDrawer jobId={openJob} onClose={() => setOpenJob(null)} />
      <Dialog
        open={events !== null}
        onClose={() => setEvents(null)}
        title={t('stores.events.title', { name: events?.name ?? '' })}
        closeLabel={t('common.close')}
      >
        {events && <WebhookEvents storeId={events.id} />}
      </Dialog>
      <KawayFilesDialog store={files} onClose={() => setFiles(null)} />
    </Card>
  );
}

const finished = (status: string | undefined) => status === 'completed' || status === 'failed' || status === 'dead' || status === 'cancelled';

/** The "sync now" job of a store: its status (polled until it finishes), the sync's checkpoint, and its drawer. */
function SyncProgress({ store, jobId, onOpen, onDone }: { store: StoreView; jobId: string; onOpen: (id: string) => void; onDone: () => void }) {
  const t = useT();
  const detail = useQuery({ ...jobDetailQuery(jobId), refetchInterval: (q) => (finished(q.state.data?.job.status) ? false : 1000) });
  const job = detail.data?.job;
  const status = job?.status;
  const polled = detail.dataUpdatedAt;
  // While it runs the store's checkpoint moves; once it finishes the store's last sync and health change.
  useEffect(() => {
    if (polled && (status === 'running' || finished(status))) onDone();
  }, [status, polled, onDone]);
  const result = job?.result as { products?: number; orders?: number } | null | undefined;
  return (
    <div className="mt-1 flex flex-wrap items-center gap-1.5" data-testid="store-sync-progress" data-status={status}>
      {job && <JobStatusBadge status={job.status} />}
      {status === 'running' && store.sync && <span>{t(`stores.syncPhase.${store.sync.phase}`, { pages: store.sync.pages })}</span>}
      {status === 'completed' && result && (
        <span data-testid="store-sync-result">{t('stores.syncResult', { products: result.products ?? 0, orders: result.orders ?? 0 })}</span>
      )}
      <button type="button" className="text-info hover:underline" onClick={() => onOpen(jobId)} data-testid="store-sync-job">
        {t('stores.syncJob')}
      </button>
    </div>
  );
}

function StoreHealth({ store, test }: { store: StoreView; test: { ok: boolean; error: string | null; latencyMs: number } | undefined }) {
  const t = useT();
  const limits = useQuery({ ...storeLimitsQuery(store.id), enabled: store.status !== 'disconnected' });
  const open = limits.data?.breakers.filter((b) => b.state !== 'closed') ?? [];
  const bucket = limits.data?.buckets[0];
  const revoked = store.status === 'error' ? (store.health.accessRevoked as { topic: string } | undefined) : undefined;
  return (
    <div className="space-y-1 text-xs" data-testid="store-health">
      {bucket && (
        <div data-testid="store-tokens">{t('stores.tokens', { tokens: Math.max(0, Math.floor(bucket.tokens)), capacity: Math.round(bucket.capacity) })}</div>
      )}
      <div data-testid="store-breaker">
        {open.length === 0 ? t('stores.breakerClosed') : t('stores.breakerOpen', { operations: open.map((b) => b.operation).join(', ') })}
      </div>
      {revoked && (
        <div className="text-danger" data-testid="store-access-revoked">
          {t('stores.accessRevoked', { topic: revoked.topic })}
        </div>
      )}
      {test && (
        <div data-testid="store-test-result" className={test.ok ? 'text-success' : 'text-danger'}>
          {test.ok ? t('stores.testOk', { ms: test.latencyMs }) : t('stores.testFailed', { reason: test.error ?? '' })}
        </div>
      )}
    </div>
  );
}

function WebhookEvents({ storeId }: { storeId: string }) {
  const t = useT();
  const { locale } = useLocale();
  const query = useQuery(webhookEventsQuery(storeId));
  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <p className="text-muted-foreground">{t('common.loading')}</p>;
  if (query.data.events.length === 0) return <p className="text-muted-foreground text-sm">{t('stores.events.empty')}</p>;
  return (
    <Table data-testid="webhook-events">
      <TableHeader>
        <TableRow>
          <TableHead>{t('stores.events.topic')}</TableHead>
          <TableHead>{t('stores.status')}</TableHead>
          <TableHead>{t('stores.events.received')}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {query.data.events.map((event) => (
          <TableRow key={event.id}>
            <TableCell className="font-mono text-xs">{event.topic}</TableCell>
            <TableCell>{event.status}</TableCell>
            <TableCell className="text-xs">{formatDateTime(event.receivedAt, locale)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function CapabilityMatrix() {
  const t = useT();
  const query = useQuery(connectorsQuery);
  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return null;
  const { capabilities, connectors } = query.data;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('stores.matrix')}</CardTitle>
        <CardDescription>{t('stores.matrix.description')}</CardDescription>
      </CardHeader>
      <CardContent className="overflow-x-auto">
        <Table data-testid="capability-matrix">
          <TableHeader>
            <TableRow>
              <TableHead>{t('stores.matrix.capability')}</TableHead>
              {connectors.map((connector) => (
                <TableHead key={connector.id}>{connector.name}</TableHead>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {capabilities.map((capability) => (
              <TableRow key={capability}>
                <TableCell className="font-mono text-xs">{capability}</TableCell>
                {connectors.map((connector) => {
                  const cell = connector.capabilities[capability];
                  return (
                    <TableCell
                      key={connector.id}
                      title={[cell.notes, cell.rateLimit].filter(Boolean).join(' — ')}
                      data-testid={`cap-${connector.id}-${capability}`}
                    >
                      <Badge variant={levelBadge[cell.level]}>{t(`stores.level.${cell.level}`)}</Badge>
                    </TableCell>
                  );
                })}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

const channels = ['shopify', 'mercadolivre', 'amazon', 'shopee', 'tiktokshop', 'kaway'] as const;
type Channel = (typeof channels)[number];
/** Channel names are names (not translated); Kaway's says it is a feed channel, in the reader's language. */
const channelNames: Record<Exclude<Channel, 'kaway'>, string> = {
  shopify: 'Shopify',
  mercadolivre: 'Mercado Livre',
  amazon: 'Amazon (SP-API)',
  shopee: 'Shopee',
  tiktokshop: 'TikTok Shop',
};

/** One form per channel: OAuth where the channel has it (Shopify also by key entry), key entry for Amazon, feeds for Kaway. */
function ConnectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const [channel, setChannel] = useState<Channel>('shopify');
  return (
    <Dialog open={open} onClose={onClose} title={t('stores.connect.title')} closeLabel={t('common.close')} data-testid="connect-dialog">
      <Field label={t('stores.connect.channel')} htmlFor="connect-channel" className="mb-4">
        <Select id="connect-channel" value={channel} onChange={(e) => setChannel(e.target.value as Channel)} data-testid="connect-channel">
          {channels.map((c) => (
            <option key={c} value={c}>
              {c === 'kaway' ? t('stores.channel.kaway') : channelNames[c]}
            </option>
          ))}
        </Select>
      </Field>
      {channel === 'shopify' && <ShopifyConnect onDone={onClose} />}
      {channel === 'mercadolivre' && <OAuthRedirectConnect platform="mercadolivre" />}
      {channel === 'amazon' && <AmazonConnectForm onDone={onClose} />}
      {channel === 'shopee' && <OAuthRedirectConnect platform="shopee" />}
      {channel === 'tiktokshop' && <OAuthRedirectConnect platform="tiktokshop" />}
      {channel === 'kaway' && <KawayConnectForm onDone={onClose} />}
    </Dialog>
  );
}

function ShopifyConnect({ onDone: onClose }: { onDone: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [shop, setShop] = useState('');
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [apiBaseUrl, setApiBaseUrl] = useState('');
  const create = useMutation({
    mutationFn: () =>
      createStore({
        platform: 'shopify',
        name: name.trim() || shop.trim(),
        connectorConfig: { shop: shop.trim().toLowerCase(), ...(apiBaseUrl.trim() ? { apiBaseUrl: apiBaseUrl.trim() } : {}) },
        credentials: { accessToken: token },
      }),
    onSuccess: () => {
      setToken('');
      onClose();
      void queryClient.invalidateQueries({ queryKey: storesQuery.queryKey });
    },
  });
  const install = (event: FormEvent) => {
    event.preventDefault();
    window.location.assign(shopifyInstallUrl(shop, name));
  };
  return (
    <>
      <form className="space-y-4" onSubmit={install}>
        <Field label={t('stores.connect.shop')} htmlFor="connect-shop">
          <Input
            id="connect-shop"
            value={shop}
            onChange={(e) => setShop(e.target.value)}
            placeholder="my-store.myshopify.com"
            required
            data-testid="connect-shop"
          />
        </Field>
        <Field label={t('stores.name')} htmlFor="connect-name">
          <Input id="connect-name" value={name} onChange={(e) => setName(e.target.value)} data-testid="connect-name" />
        </Field>
        <Button type="submit" data-testid="connect-oauth">
          <Plug />
          {t('stores.connect.oauth')}
        </Button>
        <p className="text-muted-foreground text-xs">{t('stores.connect.oauthHelp')}</p>
      </form>
      <form
        className="mt-6 space-y-4 border-t pt-4"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <p className="font-medium text-sm">{t('stores.connect.keyEntry')}</p>
        <Field label={t('stores.connect.token')} htmlFor="connect-token">
          <Input
            id="connect-token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
            data-testid="connect-token"
          />
        </Field>
        <Field label={t('stores.connect.apiBaseUrl')} htmlFor="connect-base-url">
          <Input
            id="connect-base-url"
            value={apiBaseUrl}
            onChange={(e) => setApiBaseUrl(e.target.value)}
            placeholder="https://my-store.myshopify.com"
            data-testid="connect-base-url"
          />
        </Field>
        {create.error && <FormError error={create.error} />}
        <Button type="submit" variant="outline" disabled={create.isPending || !shop} data-testid="connect-key">
          {t('stores.connect.save')}
        </Button>
      </form>
    </>
  );
}
