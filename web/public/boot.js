// Runs before the bundle: applies the saved theme and language so the first paint is right.
// Keep in sync with web/theme/theme.ts and web/i18n/locale.ts (same storage keys and rules).
(function () {
  var root = document.documentElement;
  try {
    var theme = localStorage.getItem('nexo.theme');
    var dark =
      theme === 'dark' ||
      (theme !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
    root.classList.toggle('dark', dark);
    root.style.colorScheme = dark ? 'dark' : 'light';
    var locale = localStorage.getItem('nexo.locale');
    if (locale !== 'en' && locale !== 'pt-BR') {
      locale = /^pt\b/i.test(navigator.language || '') ? 'pt-BR' : 'en';
    }
    root.lang = locale;
  } catch (_) {
    /* storage blocked: the app falls back to defaults */
  }
})();
