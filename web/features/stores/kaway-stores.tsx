import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Download, Upload } from 'lucide-react';
import { useState } from 'react';
import type { FeedUploadResponse, StoreView } from '../../../src/contracts/stores.ts';
import { ApiError } from '../../api/index.ts';
import { FormError } from '../../components/error-notice.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { useT } from '../../i18n/index.ts';
import { createStore, type FeedFileKind, stockExportUrl, storesQuery, uploadFeedFile } from './stores-api.ts';

const kinds: FeedFileKind[] = ['products', 'stock', 'orders'];
type Auth = 'none' | 'basic' | 'bearer';

/** The Kaway connect wizard: a seller id, then watched feed URLs (with optional feed-host auth) or upload-only. */
export function KawayConnectForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [sellerId, setSellerId] = useState('');
  const [mode, setMode] = useState<'watched' | 'upload'>('watched');
  const [urls, setUrls] = useState<Record<FeedFileKind, string>>({ products: '', stock: '', orders: '' });
  const [auth, setAuth] = useState<Auth>('none');
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState('');
  const create = useMutation({
    mutationFn: () => {
      const watched = mode === 'watched' ? Object.fromEntries(kinds.filter((k) => urls[k].trim()).map((k) => [`${k}FeedUrl`, urls[k].trim()])) : {};
      const credentials =
        mode === 'upload' || auth === 'none'
          ? { type: 'none' }
          : auth === 'basic'
            ? { type: 'basic', username, password: secret }
            : { type: 'bearer', token: secret };
      return createStore({
        platform: 'kaway',
        name: name.trim() || sellerId.trim(),
        externalId: sellerId.trim(),
        connectorConfig: { sellerId: sellerId.trim(), ...watched },
        credentials,
      });
    },
    onSuccess: () => {
      setSecret('');
      onDone();
      void queryClient.invalidateQueries({ queryKey: storesQuery.queryKey });
    },
  });
  return (
    <form
      className="space-y-4"
      data-testid="kaway-connect"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <p className="text-muted-foreground text-xs">{t('stores.kaway.help')}</p>
      <Field label={t('stores.kaway.sellerId')} htmlFor="kaway-seller">
        <Input id="kaway-seller" value={sellerId} onChange={(e) => setSellerId(e.target.value)} required data-testid="kaway-seller" />
      </Field>
      <Field label={t('stores.name')} htmlFor="kaway-name">
        <Input id="kaway-name" value={name} onChange={(e) => setName(e.target.value)} data-testid="kaway-name" />
      </Field>
      <Field label={t('stores.kaway.mode')} htmlFor="kaway-mode">
        <Select id="kaway-mode" value={mode} onChange={(e) => setMode(e.target.value as 'watched' | 'upload')} data-testid="kaway-mode">
          <option value="watched">{t('stores.kaway.mode.watched')}</option>
          <option value="upload">{t('stores.kaway.mode.upload')}</option>
        </Select>
      </Field>
      {mode === 'watched' && (
        <>
          {kinds.map((kind) => (
            <Field key={kind} label={t(`stores.kaway.url.${kind}`)} htmlFor={`kaway-url-${kind}`}>
              <Input
                id={`kaway-url-${kind}`}
                type="url"
                value={urls[kind]}
                onChange={(e) => setUrls((current) => ({ ...current, [kind]: e.target.value }))}
                placeholder={`https://feeds.example.com/${kind}.csv`}
                data-testid={`kaway-url-${kind}`}
              />
            </Field>
          ))}
          <p className="text-muted-foreground text-xs">{t('stores.kaway.urlRule')}</p>
          <Field label={t('stores.kaway.auth')} htmlFor="kaway-auth">
            <Select id="kaway-auth" value={auth} onChange={(e) => setAuth(e.target.value as Auth)} data-testid="kaway-auth">
              <option value="none">{t('stores.kaway.auth.none')}</option>
              <option value="basic">{t('stores.kaway.auth.basic')}</option>
              <option value="bearer">{t('stores.kaway.auth.bearer')}</option>
            </Select>
          </Field>
          {auth === 'basic' && (
            <Field label={t('stores.kaway.username')} htmlFor="kaway-username">
              <Input id="kaway-username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" required />
            </Field>
          )}
          {auth !== 'none' && (
            <Field label={auth === 'basic' ? t('stores.kaway.password') : t('stores.kaway.token')} htmlFor="kaway-secret">
              <Input id="kaway-secret" type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" required />
            </Field>
          )}
        </>
      )}
      {create.error && <FormError error={create.error} />}
      <Button type="submit" disabled={create.isPending || !sellerId.trim()} data-testid="kaway-save">
        {t('stores.connect.kawaySave')}
      </Button>
    </form>
  );
}

interface RowError {
  row: number;
  column: string | null;
  message: string;
}

/** Row-numbered errors of a refused upload (400 `details.errors`), or of the rows a partial import skipped. */
function rowErrorsOf(error: unknown): RowError[] {
  if (!(error instanceof ApiError)) return [];
  const errors = (error.details as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? (errors as RowError[]) : [];
}

/** Upload products, stock or orders files (CSV or JSON) into a Kaway store, and download its stock file. */
export function KawayFilesDialog({ store, onClose }: { store: StoreView | null; onClose: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<FeedFileKind>('products');
  const [format, setFormat] = useState<'' | 'csv' | 'json'>('');
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async (): Promise<FeedUploadResponse> => {
      if (!store || !file) throw new Error('no file');
      const content = await file.text();
      return uploadFeedFile(store.id, kind, { content, fileName: file.name, ...(format ? { format } : {}) });
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: storesQuery.queryKey }),
  });
  const rowErrors = upload.data?.errors ?? rowErrorsOf(upload.error);
  return (
    <Dialog
      open={store !== null}
      onClose={() => {
        upload.reset();
        onClose();
      }}
      title={t('stores.kaway.files.title', { name: store?.name ?? '' })}
      description={t('stores.kaway.files.description')}
      closeLabel={t('common.close')}
      data-testid="kaway-files"
    >
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          upload.mutate();
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t('stores.kaway.files.kind')} htmlFor="feed-kind">
            <Select id="feed-kind" value={kind} onChange={(e) => setKind(e.target.value as FeedFileKind)} data-testid="feed-kind">
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`stores.kaway.kind.${k}`)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t('stores.kaway.files.format')} htmlFor="feed-format">
            <Select id="feed-format" value={format} onChange={(e) => setFormat(e.target.value as '' | 'csv' | 'json')} data-testid="feed-format">
              <option value="">{t('stores.kaway.files.formatAuto')}</option>
              <option value="csv">CSV</option>
              <option value="json">JSON</option>
            </Select>
          </Field>
        </div>
        <Field label={t('stores.kaway.files.file')} htmlFor="feed-file">
          <Input
            id="feed-file"
            type="file"
            accept=".csv,.json,text/csv,application/json"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              upload.reset();
            }}
            data-testid="feed-file"
          />
        </Field>
        <Button type="submit" disabled={!file || upload.isPending} data-testid="feed-upload">
          <Upload />
          {upload.isPending ? t('stores.kaway.files.uploading') : t('stores.kaway.files.upload')}
        </Button>
      </form>
      {upload.error && <FormError error={upload.error} className="mt-4" />}
      {upload.data && (
        <p className="mt-4 rounded-md border border-success/30 bg-success/10 px-3 py-2 text-sm" data-testid="feed-result">
          {t('stores.kaway.files.done', { imported: upload.data.imported, rows: upload.data.rows })}
        </p>
      )}
      {rowErrors.length > 0 && (
        <Table className="mt-4" data-testid="feed-errors">
          <TableHeader>
            <TableRow>
              <TableHead>{t('stores.kaway.files.row')}</TableHead>
              <TableHead>{t('stores.kaway.files.column')}</TableHead>
              <TableHead>{t('stores.kaway.files.problem')}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rowErrors.slice(0, 50).map((error) => (
              <TableRow key={`${error.row}-${error.column}-${error.message}`} data-testid="feed-error-row">
                <TableCell className="font-mono">{error.row}</TableCell>
                <TableCell className="font-mono text-xs">{error.column ?? '—'}</TableCell>
                <TableCell className="text-xs">{error.message}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {store && (
        <div className="mt-6 space-y-2 border-t pt-4">
          <p className="font-medium text-sm">{t('stores.kaway.export')}</p>
          <p className="text-muted-foreground text-xs">{t('stores.kaway.export.help')}</p>
          <div className="flex gap-2">
            {(['csv', 'json'] as const).map((f) => (
              <Button key={f} size="sm" variant="outline" asChild>
                <a href={stockExportUrl(store.id, f)} download data-testid={`feed-export-${f}`}>
                  <Download />
                  {t('stores.kaway.export.stock', { format: f.toUpperCase() })}
                </a>
              </Button>
            ))}
          </div>
        </div>
      )}
    </Dialog>
  );
}
