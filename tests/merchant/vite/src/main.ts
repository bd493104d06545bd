import 'seatquote/seatquote.css';
import 'seatquote/widget';
import './theme.css';
import { getToken } from './auth';

const widget = document.querySelector('seat-quote')!;
widget.getToken = getToken;
widget.messages = { confirm: 'Confirm seats' };
widget.addEventListener('seatquote:committed', (event) => {
  console.log(`now ${event.detail.quantity} seats, ${event.detail.quote.alignment.gross} charged`);
});
widget.addEventListener('seatquote:error', (event) => {
  if (event.detail.code === 'unauthorized') location.assign('/login');
});
