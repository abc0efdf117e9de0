{#-
    Customer credit as of the build's as-of date: what is left of each payment after its
    applications (docs/collections.md: shown apart, never netted into the aging
    buckets). Same rule as marts.unapplied_payments(as_of), created by the post-hook.
-#}

{{ config(post_hook="{{ create_unapplied_payments_macro() }}") }}

{{ unapplied_payments_sql(
    'select as_of_date from ' ~ ref('int_as_of_date'),
    ref('fct_ar_payments'),
    ref('fct_ar_movements'),
) }}
