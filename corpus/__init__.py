"""The documents that ship with stdsearch: sample standards and the librarian's inbox."""
