import type { ReactNode } from 'react';
import { LanguageMenu } from '../../components/layout/language-menu.tsx';
import { ThemeMenu } from '../../components/layout/theme-menu.tsx';
import { Card, CardContent, CardDescription, CardHeader } from '../../components/ui/card.tsx';
import { useT } from '../../i18n/index.ts';
import { cn } from '../../lib/cn.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';

interface AuthLayoutProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  className?: string;
  testId?: string;
}

/** The pages outside the app shell (login, invitation, forced password change / two-factor): one centred card. */
export function AuthLayout({ title, description, children, footer, className, testId }: AuthLayoutProps) {
  const t = useT();
  useDocumentTitle(title);
  return (
    <div className="flex min-h-svh flex-col bg-gradient-to-b from-background to-muted/40">
      <header className="flex items-center justify-between gap-2 px-4 py-3 md:px-6">
        <div className="flex items-center gap-2.5">
          <span className="flex size-7 items-center justify-center rounded-md bg-primary font-bold text-primary-foreground text-sm">N</span>
          <div className="leading-tight">
            <p className="font-semibold">{t('app.name')}</p>
            <p className="text-muted-foreground text-xs">{t('app.tagline')}</p>
          </div>
        </div>
        <div className="flex items-center gap-1">
          <LanguageMenu />
          <ThemeMenu />
        </div>
      </header>
      <main id="main" className="flex flex-1 items-start justify-center px-4 pt-[8vh] pb-12">
        <Card className={cn('w-full max-w-md', className)} data-testid={testId}>
          <CardHeader>
            <h1 className="font-semibold text-xl leading-none tracking-tight">{title}</h1>
            {description && <CardDescription className="pt-1">{description}</CardDescription>}
          </CardHeader>
          <CardContent>{children}</CardContent>
        </Card>
      </main>
      {footer && <footer className="px-4 pb-6 text-center text-muted-foreground text-xs">{footer}</footer>}
    </div>
  );
}
