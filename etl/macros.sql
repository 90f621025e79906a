-- Parsing helpers for the ERP's French conventions (etl/models/staging/EXPORT_FORMAT.md).
-- Each parser returns null when the text is not valid; the *_ok checks say whether
-- a value is acceptable (empty included where the format allows it).

create or replace macro fr_text(s) as nullif(trim(s), '');

-- dd/mm/yyyy, a real calendar date from 1900 to 2099
create or replace macro fr_date(s) as
    case
        when regexp_full_match(trim(s), '[0-9]{2}/[0-9]{2}/(19|20)[0-9]{2}')
            then try_strptime(trim(s), '%d/%m/%Y')::date
    end;
create or replace macro fr_date_ok(s) as fr_text(s) is null or fr_date(s) is not null;

-- mm/yyyy -> first day of the month
create or replace macro fr_period(s) as
    case
        when regexp_full_match(trim(s), '(0[1-9]|1[0-2])/[0-9]{4}')
            then make_date(cast(right(trim(s), 4) as integer), cast(left(trim(s), 2) as integer), 1)
    end;
create or replace macro fr_period_ok(s) as fr_text(s) is null or fr_period(s) is not null;

-- 1 234,56 / 1234,56 / 1 234,56 (no-break space) / empty = 0. A point is not a decimal mark here.
-- fr_amount_text strips the grouping spaces once; fr_amount_parse reads what is left.
create or replace macro fr_amount_text(s) as
    case
        -- why: most amounts are written plain (1234,56); stripping spaces from each costs a third
        -- of the parsing of a ledger row, so only the other ones go through the replacements
        when regexp_full_match(s, '-?[0-9]+(,[0-9]{1,2})?') then s
        else replace(replace(replace(replace(coalesce(trim(s), ''), ' ', ''), chr(160), ''), chr(8239), ''), chr(9), '')
    end;
create or replace macro fr_amount_parse(t) as
    case
        when t = '' then 0::decimal(18, 2)
        when regexp_full_match(t, '-?[0-9]+(,[0-9]{1,2})?') then cast(replace(t, ',', '.') as decimal(18, 2))
    end;
create or replace macro fr_amount(s) as fr_amount_parse(fr_amount_text(s));
create or replace macro fr_amount_ok(s) as fr_amount(s) is not null;

create or replace macro fr_int(s) as
    case when regexp_full_match(trim(s), '[0-9]{1,9}') then cast(trim(s) as integer) end;
create or replace macro fr_int_ok(s) as fr_text(s) is null or fr_int(s) is not null;

-- O / N, empty = N (after the profile's mapping of the ERP's own values)
create or replace macro fr_bool(s) as
    case upper(coalesce(fr_text(s), 'N')) when 'O' then true when 'N' then false end;
create or replace macro fr_bool_ok(s) as fr_bool(s) is not null;

-- The ERP's code -> the reference code, through the mapping profile (identity when unmapped).
create or replace macro profile_code(field, value) as
    coalesce(
        (select p.code_reference from etl_profile_codes as p where p.champ = field and p.code_erp = trim(value)),
        fr_text(value)
    );

-- Reference code -> its category (null when the code is unknown), from the seed ref_codes.
create or replace macro code_category(field, value) as
    (select r.categorie from ref_codes as r where r.champ = field and r.code = value);

-- One quarantine reason for a column; null when there is nothing to say.
create or replace macro row_error(failed, column_name, reason, raw_value) as
    case when failed then {'colonne': column_name, 'motif': reason, 'valeur': raw_value} end;

-- The monthly review's rules (etl/seeds/review_rules.csv, with their legal basis): the number of a
-- rule, and its delay as an interval (semaines, mois, jours). No delay is written anywhere else.
create or replace macro review_rule(rule_code) as
    (select r.delai from review_rules as r where r.code = rule_code);
create or replace macro review_delay(rule_code) as
    (select case r.unite
         when 'semaines' then to_days(7 * r.delai)
         when 'mois' then to_months(r.delai)
         when 'jours' then to_days(r.delai)
     end
     from review_rules as r where r.code = rule_code);

-- French presentation inside the review's reasons (fr-FR, as reports/components/format.ts):
-- 31/12/2024 and 1 234,56 € (narrow no-break space for thousands, no-break space before €).
create or replace macro fr_date_text(d) as strftime(d, '%d/%m/%Y');
create or replace macro fr_euros_text(x) as
    replace(replace(format('{:,.2f}', cast(x as double)), ',', chr(8239)), '.', ',') || chr(160) || '€';

-- Whether day d falls in the winter truce (rule treve_hivernale_debut / _fin: 1 November to 31 March).
create or replace macro winter_truce(d) as
    month(d) >= review_rule('treve_hivernale_debut') or month(d) <= review_rule('treve_hivernale_fin');

-- The due date of a proposed action seen from a meeting held on `meeting`: the date the procedure
-- allows (`due`), except for an eviction, which no one can carry out during the winter truce
-- (code des procédures civiles d'exécution, art. L412-6): when the later of its due date and the
-- meeting falls in the truce, it is due on the first day after the truce. The only place the
-- truce moves a date: the API applies it with the meeting date, the replay with each month end.
create or replace macro review_action_due(action, due, meeting) as
    case
        when action = 'executer_expulsion' and winter_truce(greatest(due, meeting))
            then make_date(
                year(greatest(due, meeting))
                    + case when month(greatest(due, meeting)) >= review_rule('treve_hivernale_debut') then 1 else 0 end,
                review_rule('treve_hivernale_fin') % 12 + 1,
                1)
        else due
    end;

-- en_retard when due before the meeting, a_venir otherwise; null without an action or a due date.
create or replace macro review_action_status(action, due, meeting) as
    case
        when action is null or due is null then null
        when review_action_due(action, due, meeting) < meeting then 'en_retard'
        else 'a_venir'
    end;

-- A rule's delay in words, for the reasons the review gives: « 6 semaines », « 2 mois ».
create or replace macro review_delay_text(rule_code) as
    (select r.delai || ' ' || r.unite from review_rules as r where r.code = rule_code);

-- The running totals per lease and posting day of a set of ledger entries (a relation with
-- num_contrat, date_ecriture, debit, credit): one row per lease and day with the balance and the
-- debits summed from the lease's first entry in the set. One computation for
-- int_ledger_days_cumulated (every entry) and its nightly variant (etl/incremental: the entries of
-- each changed lease from its first changed day, on top of the totals kept before that day).
create or replace macro ledger_running_totals(entries) as table
    with daily as (
        select
            num_contrat,
            date_ecriture as jour,
            sum(debit - credit) as solde_jour,
            sum(debit) as debits_jour,
        from query_table(entries)
        group by num_contrat, date_ecriture
    )
    select
        num_contrat,
        jour,
        -- why decimal(18, 2): a lease's totals stay far below 10^16 euros, and 64-bit decimals are
        -- read and summed many times faster than the 128-bit ones sum() returns
        cast(sum(solde_jour) over running as decimal(18, 2)) as solde_cumule,
        cast(sum(debits_jour) over running as decimal(18, 2)) as debits_cumules,
    from daily
    window running as (partition by num_contrat order by jour rows between unbounded preceding and current row);

-- The balance of each lease on a given day: `asks` is a relation with num_contrat and jour, `days`
-- the running totals of int_ledger_days_cumulated. The balance on a day is the running balance of
-- the lease's latest posting day on or before it, 0 before its first entry. The caller passes
-- int_ledger_days_cumulated by name, so that its SQL names the model it reads and the runner
-- builds that model first. One lookup for the review's models (the balance D − 3 months ago, the
-- balance on the day of a judgment granting time or a protocol).
create or replace macro balance_on_day(asks, days) as table
    select asks.num_contrat, asks.jour, coalesce(days.solde_cumule, 0) as solde,
    from query_table(asks) as asks
    asof left join query_table(days) as days
        on days.num_contrat = asks.num_contrat and days.jour <= asks.jour;
