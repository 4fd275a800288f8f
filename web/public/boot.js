// Runs before the bundle: applies the saved theme and language so the first paint is right.
// Keep in sync with web/theme/theme.ts and web/i18n/locale.ts (same storage keys and rules).
(() => {
  const root = document.documentElement;
  try {
    const theme = localStorage.getItem('nexo.theme');
    const dark = theme === 'dark' || (theme !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
    root.classList.toggle('dark', dark);
    root.style.colorScheme = dark ? 'dark' : 'light';
    const stored = localStorage.getItem('nexo.locale');
    const locale = stored === 'en' || stored === 'pt-BR' ? stored : /^pt\b/i.test(navigator.language || '') ? 'pt-BR' : 'en';
    root.lang = locale;
  } catch {
    /* storage blocked: the app falls back to defaults */
  }
})();
