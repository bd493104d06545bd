// `import 'seatquote/seatquote.css'` (a side-effect import, for bundlers that take CSS)
// resolves for TypeScript too, with or without the bundler's own `*.css` declarations.
export {};
