/**
 * IRS limits by calendar year: the table of calculations.md ("Years, limits and tables"),
 * held as data. This is the only place the figures live; plan files may add or replace
 * years with `irs_limits` (same shape). `catch_up_60_63` is null before 2025 (SECURE 2.0).
 * `roth_catch_up_wages` is the SECURE 2.0 §603 wage figure: absent or null, the rule is not in force.
 */
export interface IrsLimitsText {
  '402g': string;
  catch_up: string;
  catch_up_60_63: string | null;
  '415c': string;
  '401a17': string;
  hce: string;
  roth_catch_up_wages?: string | null;
}

export const IRS_LIMITS: Readonly<Record<string, IrsLimitsText>> = {
  '2020': {
    '402g': '19500',
    catch_up: '6500',
    catch_up_60_63: null,
    '415c': '57000',
    '401a17': '285000',
    hce: '130000',
  },
  '2021': {
    '402g': '19500',
    catch_up: '6500',
    catch_up_60_63: null,
    '415c': '58000',
    '401a17': '290000',
    hce: '130000',
  },
  '2022': {
    '402g': '20500',
    catch_up: '6500',
    catch_up_60_63: null,
    '415c': '61000',
    '401a17': '305000',
    hce: '135000',
  },
  '2023': {
    '402g': '22500',
    catch_up: '7500',
    catch_up_60_63: null,
    '415c': '66000',
    '401a17': '330000',
    hce: '150000',
  },
  '2024': {
    '402g': '23000',
    catch_up: '7500',
    catch_up_60_63: null,
    '415c': '69000',
    '401a17': '345000',
    hce: '155000',
  },
  '2025': {
    '402g': '23500',
    catch_up: '7500',
    catch_up_60_63: '11250',
    '415c': '70000',
    '401a17': '350000',
    hce: '160000',
  },
  '2026': {
    '402g': '24500',
    catch_up: '8000',
    catch_up_60_63: '11250',
    '415c': '72000',
    '401a17': '360000',
    hce: '160000',
    roth_catch_up_wages: '150000',
  },
};
