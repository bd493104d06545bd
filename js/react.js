// seatquote/react carries JSX types only (react.d.ts): importing it loads nothing.
export {};
