import 'seatquote/seatquote.css';
import { createRoot } from 'react-dom/client';
import { SeatChange } from './SeatChange';

const log = (kind: string) => (detail: object) => {
  document.body.dataset[kind] = JSON.stringify(detail);
};

createRoot(document.getElementById('app')!).render(
  <SeatChange subscription="S68841753" onCommitted={log('committed')} onError={log('error')} />,
);
