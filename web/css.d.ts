// Side-effect CSS imports (`import './styles.css'`) are handled by Vite; tell TypeScript they exist.
// Deliberately not `vite/client`: its globals would leak into the server code checked by the same tsconfig.
declare module '*.css';
