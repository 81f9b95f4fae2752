"""The Gradio chat, a thin layer over rag.pipeline.Pipeline."""
