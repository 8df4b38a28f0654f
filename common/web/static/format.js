// Amounts as the people of the network read them, the same on the till, the
// dashboard, the CLI and the CSV (common/money.h FormatEuros): cents, as a
// number or as the JSON mapping's int64 string, shown "1 234,05 €".
export function euros(cents) {
  const value = Number(cents || 0);
  const negative = value < 0;
  const magnitude = Math.abs(value);
  const whole = String(Math.floor(magnitude / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const rest = String(magnitude % 100).padStart(2, '0');
  return `${negative ? '-' : ''}${whole},${rest} €`;
}
