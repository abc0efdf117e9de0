"""CFDI 4.0 out and in (docs/cfdi.md): the unsigned XML of posted invoices and credit notes
for the company's PAC (`build`, `export`), the stamped XML and the SAT's metadata read back
(`reader`, `metadata`, `importer`), the schema check (`schema`) and a simulated PAC for the
demo and the tests (`pac`)."""
