"""The domain layer: the rules every write obeys, one module per value-chain stage.

The app's forms, the CSV importer and the demo generator all write through here.
"""
