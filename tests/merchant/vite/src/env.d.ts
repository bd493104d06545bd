// The page's own stylesheets as side-effect imports (a Vite project gets this from vite/client).
declare module '*.css';
