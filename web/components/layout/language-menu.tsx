import { Languages } from 'lucide-react';
import { type Locale, localeNames, locales, useLocale, useT } from '../../i18n/index.ts';
import { Button } from '../ui/button.tsx';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuTrigger,
} from '../ui/dropdown-menu.tsx';

export function LanguageMenu() {
  const t = useT();
  const { locale, setLocale } = useLocale();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button
          variant="ghost"
          size="sm"
          aria-label={t('language.label')}
          title={t('language.label')}
          data-testid="language-menu"
          className="min-w-0 justify-start text-muted-foreground"
        >
          <Languages />
          <span className="truncate">{localeNames[locale]}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" side="top">
        <DropdownMenuLabel>{t('language.label')}</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={locale} onValueChange={(value) => setLocale(value as Locale)}>
          {locales.map((option) => (
            <DropdownMenuRadioItem key={option} value={option} lang={option} data-testid={`language-${option}`}>
              {localeNames[option]}
            </DropdownMenuRadioItem>
          ))}
        </DropdownMenuRadioGroup>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
