"""user_messages"""
