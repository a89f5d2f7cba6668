/**
 * One plan year's running totals for one person (calculations.md, Payroll and Deferrals and
 * limits): year-to-date gross pay and plan compensation, each source's year-to-date amount,
 * the limits' running sums and the compliance flags. A fresh instance each year.
 */
export class YearTotals {
  gross = 0n;
  planComp = 0n;
  /** pre-tax + Roth (402(g)) */
  deferral = 0n;
  /** employee_catch_up */
  catchUp = 0n;
  /** employee_roth_catch_up */
  rothCatchUp = 0n;
  /** 415(c): every contribution except catch-up */
  additions = 0n;
  preTax = 0n;
  roth = 0n;
  afterTax = 0n;
  match = 0n;
  ne = 0n;
  compFromEntry = 0n;
  matchableFromEntry = 0n;
  flagged402g = false;
  flagged415c = false;
  paidOnDec31 = false;
}
