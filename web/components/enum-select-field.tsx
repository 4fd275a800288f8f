import { useT } from '../i18n/index.ts';
import { Field } from './ui/label.tsx';
import { Select } from './ui/select.tsx';

/** A labelled select over a fixed list of values, with "any" (the empty string) first. */
export function EnumSelectField<T extends string>({
  id,
  label,
  value,
  options,
  optionLabel,
  onChange,
  'data-testid': testId,
}: {
  id: string;
  label: string;
  value: '' | T;
  options: readonly T[];
  optionLabel: (value: T) => string;
  onChange: (value: '' | T) => void;
  'data-testid'?: string;
}) {
  const t = useT();
  return (
    <Field label={label} htmlFor={id}>
      <Select id={id} value={value} onChange={(event) => onChange(event.target.value as '' | T)} data-testid={testId}>
        <option value="">{t('filters.any')}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {optionLabel(option)}
          </option>
        ))}
      </Select>
    </Field>
  );
}
