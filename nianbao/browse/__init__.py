"""Browsing the store in Datasette: kept metadata, readable views, the plugin, `nianbao serve`."""
