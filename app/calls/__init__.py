"""Calls domain package."""
