import { useDeferredValue, useMemo, useState } from 'react';

/** A filter form's state and the query filters derived from it (deferred, so typing stays responsive). */
export function useFilterForm<Form extends object, Filters>(empty: Form, toFilters: (form: Form) => Filters) {
  const [form, setForm] = useState<Form>(empty);
  const deferred = useDeferredValue(form);
  const filters = useMemo(() => toFilters(deferred), [deferred, toFilters]);
  const set = (patch: Partial<Form>) => setForm((current) => ({ ...current, ...patch }));
  return { form, set, filters };
}
