// Gives every <seat-quote> on the page the demo getToken() before the widget loads.
import { signIn, getToken } from './demo-auth.js';

for (const el of document.querySelectorAll('seat-quote')) el.getToken = getToken;
signIn();
