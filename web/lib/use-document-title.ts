import { useEffect } from 'react';

/** Sets `<title>` to "Page · Nexo" while the calling page is shown. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Nexo`;
  }, [title]);
}
